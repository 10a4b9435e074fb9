; Double and triple faults: a #GP whose gate is not present raises #NP
; while delivering it, which makes a #DF (error code 0); then with an
; empty IDT a #UD cascades #GP -> #DF -> triple fault (the machine's
; reset hook).
%include "lib.inc"
bits 16
org 0x7c00
start:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    ENTER_PM32 pm32
bits 32
pm32:
    lidt [idt_desc32]
    mov eax, 13
    mov ebx, df_handler
    mov cl, 0x0e                    ; #GP gate not present
    mov dx, SEL_CODE0
    call set_gate32
    mov eax, 8
    mov cl, 0x8e
    call set_gate32
    mov ax, 0x83
    mov es, ax                      ; #GP -> #NP -> #DF
    REPORT 0xbad

df_handler:
    pop eax
    out PORT_VAL, eax               ; 0
    REPORT 0x08
    lidt [empty_idt]
    ud2                             ; -> triple fault
    REPORT 0xbad

empty_idt:
    dw 0
    dd 0
%include "libdata.inc"
