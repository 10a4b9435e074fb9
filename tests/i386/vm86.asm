; Virtual-8086 mode: IRET from ring 0 with EFLAGS.VM, real-mode style
; segments, and the IOPL-sensitive insns (CLI, INT n at IOPL 0) faulting
; with #GP(0) into the ring-0 handler on the TSS stack with the VM86
; frame (ES DS FS GS saved, data segments nulled); INT3 through a DPL 0
; gate gives #GP(3 * 8 + 2).
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
    mov ax, 0x40
    ltr ax
    lidt [idt_desc32]
    mov eax, 13
    mov ebx, gp_handler
    mov cl, 0x8e
    mov dx, SEL_CODE0
    call set_gate32
    mov eax, 3
    mov ebx, gp_handler             ; never reached: DPL 0
    call set_gate32
    push dword 0                    ; GS
    push dword 0                    ; FS
    push dword 0x1000               ; DS
    push dword 0                    ; ES
    push dword 0x0500               ; SS
    push dword 0x1000               ; ESP
    push dword 0x20002              ; VM, IOPL 0
    push dword 0x07c0               ; CS
    push dword vm86_code - 0x7c00   ; EIP
    iret

gp_handler:
    pop ebx
    mov eax, ebx
    out PORT_VAL, eax               ; the error code
    mov eax, ds
    mov dx, SEL_DATA0
    mov ds, dx
    mov ecx, [visits]
    inc dword [visits]
    cmp ecx, 1
    je .v1
    cmp ecx, 2
    je .v2
    out PORT_VAL, eax               ; DS was nulled
    mov eax, [0x10010]
    out PORT_VAL, eax               ; written by VM86 code through DS
    mov eax, [esp + 8]
    and eax, 0x20000
    out PORT_VAL, eax               ; stacked EFLAGS.VM
    mov eax, [esp + 24]
    out PORT_VAL, eax               ; stacked DS
    add dword [esp], 1              ; skip CLI
    iret
.v1:
    add dword [esp], 2              ; skip INT 0x21
    iret
.v2:
    mov eax, [esp + 4]
    out PORT_VAL, eax               ; stacked VM86 CS
    DONE

visits: dd 0

bits 16
vm86_code:
    mov ax, 0x2a
    mov [0x10], ax
    cli
    int 0x21
    int3

%include "libdata.inc"
