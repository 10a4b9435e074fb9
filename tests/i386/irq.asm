; External interrupts (CPU_INTERRUPT_HARD with the board's vector) and
; NMI, in real mode: held off while IF = 0, taken when HLT waits, taken
; after exactly one insn following STI (the interrupt shadow), and NMI
; taken whatever IF says.
%include "lib.inc"
bits 16
org 0x7c00
start:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov word [0x21 * 4], irq21
    mov word [0x21 * 4 + 2], 0
    mov word [0x22 * 4], irq22
    mov word [0x22 * 4 + 2], 0
    mov word [2 * 4], nmi
    mov word [2 * 4 + 2], 0
    cli
    mov al, 0x21
    out PORT_IRQ, al                ; pending, but IF = 0
    nop
    movzx eax, word [count]
    out PORT_VAL, eax               ; 0: not taken
    sti
    hlt                             ; taken while halted
    movzx eax, word [count]
    out PORT_VAL, eax               ; 1
    cli
    mov al, 0x22
    out PORT_IRQ, al
    xor bx, bx
    sti
    inc bx                          ; in the shadow: runs first
    inc bx
    cli
    out PORT_NMI, al                ; NMI with IF = 0
    nop
    REPORT 0x99
    DONE

irq21:
    REPORT 0x21
    inc word [count]
    iret
irq22:
    REPORT 0x22
    movzx eax, bx
    out PORT_VAL, eax               ; 1: one insn after STI
    iret
nmi:
    REPORT 2
    iret

count: dw 0
