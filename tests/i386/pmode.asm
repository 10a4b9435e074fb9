; 32-bit and 16-bit protected mode: GDT segments with a base, a 16-bit
; code segment, and the checks of segment loads (#GP beyond the GDT
; limit, #NP for a not-present segment, #GP for RPL > DPL).
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
    mov eax, ds
    out PORT_VAL, eax               ; 0x10
    mov dword [0x9010], 0x12345678
    mov edi, gdt_table + 0x40       ; data, base 0x9000, byte granular
    mov eax, 0x9000
    mov ebx, 0xfff
    mov cx, 0x4092
    call make_desc
    mov ax, 0x40
    mov es, ax
    mov eax, [es:0x10]
    out PORT_VAL, eax               ; 0x12345678
    jmp SEL_CODE16:code16
bits 16
code16:
    mov ax, cs
    movzx eax, ax
    out PORT_VAL, eax               ; 0x28
    mov ax, 0xabcd
    movzx eax, ax
    out PORT_VAL, eax               ; 16-bit operand decoding
    jmp dword SEL_CODE0:back32
bits 32
back32:
    mov eax, cs
    out PORT_VAL, eax               ; 0x08
    lidt [idt_desc32]
    mov eax, 13
    mov ebx, gp_handler
    mov cl, 0x8e
    mov dx, SEL_CODE0
    call set_gate32
    mov eax, 11
    mov ebx, np_handler
    call set_gate32
    mov ax, 0x83                    ; beyond the GDT limit
    mov es, ax                      ; #GP(0x80)
    mov edi, gdt_table + 0x48       ; not present
    mov eax, 0
    mov ebx, 0xfffff
    mov cx, 0xc012
    call make_desc
    mov ax, 0x48
    mov es, ax                      ; #NP(0x48)
    mov ax, SEL_DATA0 | 3
    mov es, ax                      ; RPL 3 > DPL 0: #GP(0x10)
    DONE

gp_handler:
    pop eax
    out PORT_VAL, eax
    REPORT 0x0d
    add dword [esp], 2              ; skip the 2-byte mov es, ax
    iret
np_handler:
    pop eax
    or eax, 0x0b0000
    out PORT_VAL, eax
    add dword [esp], 2
    iret

%include "libdata.inc"
