; An El Torito no-emulation boot image for tests/functional/run-boot-cd.sh.
; The BIOS loads its first 2048 bytes (one CD sector, -boot-load-size 4)
; at 0x7c00; xorriso's -boot-info-table stores the image's own LBA at
; offset 12. The code then reads the rest of itself (the second CD sector,
; marked "BOOK") and the ISO 9660 primary volume descriptor (LBA 16,
; "CD001") with INT 13h AH=42h extended reads, checks INT 13h AH=41h
; (extensions present) and INT 15h E820, and reports on COM1 and through
; isa-debug-exit (port 0xf4: 0x10 success, 0x20 failure).
bits 16
org 0x7c00
start:
    jmp short main
    nop
    times 8-($-$$) db 0
bi_pvd:   dd 0               ; boot info table (filled in by xorriso)
bi_file:  dd 0
bi_len:   dd 0
bi_csum:  dd 0
    times 64-($-$$) db 0
main:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl
    mov ah, 0x0e            ; INT 10h teletype: "C"
    mov al, 'C'
    int 0x10
    mov ah, 0x41            ; extensions installed?
    mov bx, 0x55aa
    mov dl, [drive]
    int 0x13
    jc fail
    cmp bx, 0xaa55
    jne fail
    ; the second sector of this image
    mov eax, [bi_file]
    inc eax
    mov [dap_lba], eax
    mov word [dap_off], 0x8000
    call read
    cmp dword [0x8000], 0x4b4f4f42 ; "BOOK"
    jne fail
    ; the primary volume descriptor
    mov dword [dap_lba], 16
    mov word [dap_off], 0x9000
    call read
    cmp byte [0x9000], 1
    jne fail
    cmp dword [0x9001], 0x30304443 ; "CD00"
    jne fail
    cmp byte [0x9005], '1'
    jne fail
E820_BUF equ 0xa000
%include "boot-result.inc"
read:                       ; INT 13h AH=42h with the DAP below
    mov word [dap_count], 1
    mov ah, 0x42
    mov dl, [drive]
    mov si, dap
    int 0x13
    jc fail
    cmp word [dap_count], 1
    jne fail
    ret
align 4
dap:       db 16, 0
dap_count: dw 1
dap_off:   dw 0
dap_seg:   dw 0
dap_lba:   dq 0
drive: db 0
okmsg: db "CD-BOOT-RESULT: OK", 13, 10, 0
failmsg: db "CD-BOOT-RESULT: FAIL", 13, 10, 0
times 2048-($-$$) db 0
sector2:
    db "BOOK"
times 4096-($-$$) db 0
