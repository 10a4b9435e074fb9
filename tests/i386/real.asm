; Real mode from the reset vector: arithmetic, far JMP/CALL/RETF with
; segment arithmetic, segment-relative data, INT n through the IVT.
%include "lib.inc"
bits 16
org 0x7c00
start:
    mov ax, cs                  ; the reset stub's far jump loaded CS = 0
    movzx eax, ax
    out PORT_VAL, eax
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, 1234
    mov bx, 5678
    add ax, bx                  ; 6912
    movzx eax, ax
    out PORT_VAL, eax
    mov ax, 300
    mov cx, 300
    mul cx                      ; dx:ax = 90000
    movzx edx, dx
    shl edx, 16
    movzx eax, ax
    or eax, edx
    out PORT_VAL, eax
    jmp 0x07c0:(far_target - 0x7c00)
far_target:
    mov ax, cs
    movzx eax, ax
    out PORT_VAL, eax           ; 0x07c0
    jmp 0x0000:back_home
back_home:
    call 0x07c0:(far_func - 0x7c00)
    mov ax, cs
    movzx eax, ax
    out PORT_VAL, eax           ; 0 again after RETF
    ; segment-relative data: 1000:0010 is linear 0x10010 = 1001:0000
    mov ax, 0x1000
    mov es, ax
    mov word [es:0x10], 0xbeef
    mov ax, 0x1001
    mov fs, ax
    movzx eax, word [fs:0]
    out PORT_VAL, eax
    ; INT 0x40 through the IVT
    mov word [0x40 * 4], int40
    mov word [0x40 * 4 + 2], 0
    xor bx, bx
    int 0x40
    movzx eax, bx
    out PORT_VAL, eax
    DONE

far_func:
    mov ax, cs
    movzx eax, ax
    out PORT_VAL, eax           ; 0x07c0
    retf

int40:
    mov eax, 0x40
    out PORT_VAL, eax
    mov bx, 0x1234
    iret
