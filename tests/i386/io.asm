; I/O protection: at CPL 3 with IOPL 0 the TSS I/O permission bitmap
; decides port by port (ports 0xf0-0xf7 allowed, the rest #GP(0)); REP
; OUTSB and IN through an allowed port; SMSW/LMSW/CLTS at CPL 0.
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
    ; CR0.TS via LMSW, read back with SMSW, cleared by CLTS
    smsw ax
    or ax, 8
    lmsw ax
    smsw ax
    and eax, 8
    out PORT_VAL, eax               ; 8
    clts
    smsw ax
    and eax, 8
    out PORT_VAL, eax               ; 0
    ; TSS with a bitmap at 0x68: all ports denied but 0xf0-0xf7
    mov edi, TSS_BASE
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov edi, TSS_BASE + 0x68
    mov eax, -1
    mov ecx, 0x2004 / 4
    rep stosd
    mov byte [TSS_BASE + 0x68 + 0xf0 / 8], 0
    mov dword [TSS_BASE + 4], 0x9000
    mov dword [TSS_BASE + 8], SEL_DATA0
    mov word [TSS_BASE + 0x66], 0x68
    mov edi, gdt_table + 0x40
    mov eax, TSS_BASE
    mov ebx, 0x68 + 0x2000
    mov cx, 0x0089
    call make_desc
    mov ax, 0x40
    ltr ax
    lidt [idt_desc32]
    mov eax, 13
    mov ebx, gp_handler
    mov cl, 0x8e
    mov dx, SEL_CODE0
    call set_gate32
    push SEL_DATA3 | 3
    push 0x6000
    push 0x0002                     ; IOPL 0
    push SEL_CODE3 | 3
    push ring3
    iret

ring3:
    mov ax, SEL_DATA3 | 3
    mov ds, ax
    mov es, ax
    REPORT 0x33                     ; port 0xf0 allowed by the bitmap
    mov esi, bytes
    mov ecx, 3
    mov dx, PORT_VAL
    cld
    rep outsb                       ; three 1-byte writes
    mov eax, ecx
    out PORT_VAL, eax               ; ECX counted down to 0
    in al, PORT_VAL                 ; reads allowed too
    movzx eax, al
    out PORT_VAL, eax               ; 0 (no interrupts acknowledged)
    out 0x80, al                    ; denied: #GP(0)
    REPORT 0xbad

gp_handler:
    pop eax
    out PORT_VAL, eax               ; 0
    REPORT 0x0d
    DONE

bytes: db 0x11, 0x22, 0x33
%include "libdata.inc"
