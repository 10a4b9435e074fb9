; A boot sector for tests/functional/run-a20.sh: the A20 gate. With the
; gate open, FFFF:0510 (physical 0x100500) and 0000:0500 are different
; bytes; with port 0x92 bit 1 and the i8042 output port bit 1 both clear,
; physical address bit 20 is forced to 0 and they are the same byte. Each
; step prints a letter on COM1; isa-debug-exit 0x10 on success, 0x20 with
; the failing step's letter.
bits 16
org 0x7c00
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    mov ax, 0xffff
    mov es, ax
    ; A: SeaBIOS left A20 on: no wrap
    mov byte [step], 'A'
    call wraps
    jz fail
    ; B: port 0x92 bit 1 off, i8042 still on: no wrap (the gates are ORed)
    mov byte [step], 'B'
    in al, 0x92
    and al, 0xfc
    out 0x92, al
    call wraps
    jz fail
    ; C: the i8042 output port with A20 off too: wrap
    mov byte [step], 'C'
    call kbc_wait
    mov al, 0xd1                ; write output port
    out 0x64, al
    call kbc_wait
    mov al, 0xdd                ; bit 0 (no reset) set, bit 1 (A20) clear
    out 0x60, al
    call kbc_wait
    call wraps
    jnz fail
    ; D: a store through FFFF:0520 lands at 0x520
    mov byte [step], 'D'
    mov byte [0x520], 0x11
    mov byte [es:0x530], 0x77   ; 0xffff0 + 0x530 = 0x100520 -> 0x520
    cmp byte [0x520], 0x77
    jne fail
    ; E: port 0x92 bit 1 on again: no wrap
    mov byte [step], 'E'
    in al, 0x92
    or al, 2
    and al, 0xfe
    out 0x92, al
    call wraps
    jz fail
    ; F: port 0x92 off, i8042 A20 on (command DFh): no wrap
    mov byte [step], 'F'
    in al, 0x92
    and al, 0xfc
    out 0x92, al
    call kbc_wait
    mov al, 0xdf
    out 0x64, al
    call kbc_wait
    call wraps
    jz fail
    mov si, okmsg
    call puts
    mov al, 0x10
    out 0xf4, al
    hlt
fail:
    mov si, failmsg
    call puts
    mov al, [step]
    call putc
    mov al, 0x20
    out 0xf4, al
    hlt

; ZF=1 if 0000:0500 and FFFF:0510 are the same byte (A20 masked)
wraps:
    mov al, [step]
    call putc
    mov byte [0x500], 0x5a
    mov byte [es:0x510], 0xa5
    cmp byte [0x500], 0xa5
    ret

kbc_wait:                       ; until the i8042 input buffer is empty
    mov cx, 0xffff
.l: in al, 0x64
    test al, 2
    jz .e
    loop .l
.e: ret

putc:
    mov dx, 0x3f8
    out dx, al
    ret
puts:
    lodsb
    test al, al
    jz .e
    call putc
    jmp puts
.e: ret
step: db 0
okmsg: db 13, 10, "A20-RESULT: OK", 13, 10, 0
failmsg: db 13, 10, "A20-RESULT: FAIL at step ", 0
times 510-($-$$) db 0
dw 0xaa55
