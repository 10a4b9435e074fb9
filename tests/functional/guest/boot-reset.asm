; A boot sector for tests/functional/run-bad-guest.sh that resets the
; machine one way (nasm -DMETHOD=n): 1 port 0x92 bit 0 among garbage bits,
; 2 reset control 0xcf9 = 0x06, 3 i8042 command 0xfe (pulse reset),
; 4 a triple fault (#BP with an empty IDT). With -no-reboot the emulator
; must say so and exit with status 0; if the reset does not happen the
; sector reports "RESET-RESULT: FAIL" and exits through isa-debug-exit.
bits 16
org 0x7c00
start:
    cli
    xor ax, ax
    mov ds, ax
%if METHOD == 1
    mov al, 0x5b                ; bit 0 set, other bits garbage
    out 0x92, al
%elif METHOD == 2
    mov dx, 0xcf9
    mov al, 0x06
    out dx, al
%elif METHOD == 3
    mov al, 0xfe
    out 0x64, al
%else
    lidt [empty_idt]
    int3
%endif
    mov cx, 0xffff              ; give an asynchronous reset time
.w: loop .w
    mov si, failmsg
.l: lodsb
    test al, al
    jz .e
    mov dx, 0x3f8
    out dx, al
    jmp .l
.e: mov al, 0x20
    out 0xf4, al
    hlt
empty_idt: dw 0
           dd 0
failmsg: db "RESET-RESULT: FAIL", 13, 10, 0
times 510-($-$$) db 0
dw 0xaa55
