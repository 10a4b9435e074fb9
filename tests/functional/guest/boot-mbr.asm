; A boot sector for tests/functional/run-boot-disk.sh: loads its second
; sector with INT 13h, counts the INT 15h E820 entries, prints through
; INT 10h, writes the result on COM1 and exits through isa-debug-exit
; (port 0xf4: status (v << 1) | 1; v = 0x10 on success, 0x20 on failure).
bits 16
org 0x7c00
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl
    mov ah, 0x0e            ; INT 10h teletype: "T"
    mov al, 'T'
    int 0x10
    mov ax, 0x0201          ; read 1 sector
    mov cx, 0x0002          ; cylinder 0, sector 2
    xor dh, dh
    mov dl, [drive]
    mov bx, 0x7e00
    int 0x13
    jc fail
    cmp dword [0x7e00], 0x4b4f4f42 ; "BOOK"
    jne fail
E820_BUF equ 0x8000
%include "boot-result.inc"
drive: db 0
okmsg: db "BOOT-RESULT: OK", 13, 10, 0
failmsg: db "BOOT-RESULT: FAIL", 13, 10, 0
times 510-($-$$) db 0
dw 0xaa55
sector2:
    db "BOOK"
times 1024-($-$$) db 0
