; Privilege changes: IRET to ring 3, a far CALL through a call gate (with
; one parameter copied) to ring 0 on the TSS stack and RETF back, INT n
; through a DPL 3 gate on the TSS stack, and #GP for a DPL 0 gate.
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
    ; TSS: SS0:ESP0 = SEL_DATA0:0x9000, no I/O bitmap
    mov edi, TSS_BASE
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [TSS_BASE + 4], 0x9000
    mov dword [TSS_BASE + 8], SEL_DATA0
    mov word [TSS_BASE + 0x66], 0x68
    mov edi, gdt_table + 0x40
    mov eax, TSS_BASE
    mov ebx, 0x67
    mov cx, 0x0089
    call make_desc
    ; 0x48: 32-bit call gate, DPL 3, one parameter, to SEL_CODE0:gate_target
    mov eax, gate_target
    mov [gdt_table + 0x48], ax
    mov word [gdt_table + 0x4a], SEL_CODE0
    mov byte [gdt_table + 0x4c], 1
    mov byte [gdt_table + 0x4d], 0xec
    shr eax, 16
    mov [gdt_table + 0x4e], ax
    mov ax, 0x40
    ltr ax
    lidt [idt_desc32]
    mov eax, 0x80
    mov ebx, int80
    mov cl, 0xee
    mov dx, SEL_CODE0
    call set_gate32
    mov eax, 0x81
    mov ebx, int80
    mov cl, 0x8e
    call set_gate32
    mov eax, 13
    mov ebx, gp_handler
    call set_gate32
    ; to ring 3 with IOPL 3 (it reports through OUT)
    push SEL_DATA3 | 3
    push 0x6000
    push 0x3002
    push SEL_CODE3 | 3
    push ring3
    iret

ring3:
    mov ax, SEL_DATA3 | 3
    mov ds, ax
    mov es, ax
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 3
    push 0x77
    call 0x4b:0                     ; through the gate
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 3 again
    mov eax, esp
    out PORT_VAL, eax               ; RETF 4 dropped the parameter
    int 0x80
    int 0x81                        ; gate DPL 0 < CPL 3: #GP
    REPORT 0xbad

gate_target:
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 0
    mov eax, [esp + 8]
    out PORT_VAL, eax               ; the copied parameter
    mov eax, ss
    out PORT_VAL, eax               ; SS0 from the TSS
    retf 4

int80:
    mov eax, esp
    out PORT_VAL, eax               ; ESP0 - 5 dwords
    mov eax, [esp + 4]
    out PORT_VAL, eax               ; the ring-3 CS
    iret

gp_handler:
    REPORT 0x0d
    pop eax
    out PORT_VAL, eax
    DONE

%include "libdata.inc"
