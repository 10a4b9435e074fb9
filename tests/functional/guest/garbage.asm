; A hostile guest for tests/functional/run-bad-guest.sh, loaded by
; loader.inc: in 32-bit protected mode with interrupts off it reads and
; writes pseudo-random bytes, words and dwords to every I/O port (except
; where an access would reach a port that ends the run early: 0x64 and
; 0x92 (reset, A20), 0xcf9 (reset control), 0xf4-0xf7 (isa-debug-exit);
; run-bad-guest.sh checks those apart), then reads and
; writes a dword in every 4 KiB page from the end of RAM to 4 GiB (PCI
; hole: VGA framebuffer and registers, BIOS ROM, unassigned space) and in
; the legacy 0xa0000-0xfffff window. Then it restores COM1, reports and
; exits through isa-debug-exit. The emulator must survive all of it.
%include "loader.inc"

RAM_END equ 0x04000000          ; the test runs with -m 64M

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x90000
    mov esi, msg_ports
    call puts
    mov ebx, 0x2545f491         ; xorshift32 state
    xor edx, edx
.port:
    ; a dword at port p covers p..p+3: skip p when that touches a port
    ; that would end the run
    mov esi, skips
.chk:
    mov ax, [esi]
    test ax, ax
    jz .go
    cmp dx, ax
    jb .next
    cmp dx, [esi + 2]
    jbe .skip
.next:
    add esi, 4
    jmp .chk
.go:
    call rand
    in al, dx
    mov eax, ebx
    out dx, al
    in ax, dx
    call rand
    mov eax, ebx
    out dx, ax
    in eax, dx
    call rand
    mov eax, ebx
    out dx, eax
.skip:
    inc edx
    cmp edx, 0x10000
    jb .port
    call serial_init
    mov esi, msg_mmio
    call puts
    mov edi, RAM_END
.page:
    mov eax, [edi]
    call rand
    mov [edi], ebx
    add edi, 0x1000
    jnz .page                   ; until the address wraps past 4 GiB
    mov edi, 0xa0000
.low:
    mov eax, [edi]
    call rand
    mov [edi], ebx
    add edi, 0x1000
    cmp edi, 0x100000
    jb .low
    call serial_init
    mov esi, msg_ok
    call puts
    mov al, 0x10
    out 0xf4, al
    cli
    hlt

rand:                           ; EBX = xorshift32(EBX)
    push eax
    mov eax, ebx
    shl eax, 13
    xor ebx, eax
    mov eax, ebx
    shr eax, 17
    xor ebx, eax
    mov eax, ebx
    shl eax, 5
    xor ebx, eax
    pop eax
    ret

serial_init:                    ; undo what the garbage did to COM1
    push eax
    push edx
    mov dx, 0x3fb
    mov al, 0x83                ; DLAB: divisor 1
    out dx, al
    mov dx, 0x3f8
    mov al, 1
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, 0x3fb
    mov al, 0x03                ; 8N1, DLAB off
    out dx, al
    dec dx
    xor al, al                  ; FCR: FIFOs off
    out dx, al
    mov dx, 0x3f9
    out dx, al                  ; IER off
    mov dx, 0x3fc
    mov al, 0x03                ; MCR: DTR RTS, no loopback
    out dx, al
    pop edx
    pop eax
    ret

puts:
    push eax
    push edx
.l: lodsb
    test al, al
    jz .e
    mov dx, 0x3f8
    out dx, al
    jmp .l
.e: pop edx
    pop eax
    ret

align 4
skips:                          ; inclusive ranges of start ports
    dw 0x61, 0x64               ; i8042 command (pulse reset, output port)
    dw 0x8f, 0x92               ; port 0x92 (fast reset, A20)
    dw 0xcf6, 0xcf9             ; reset control
    dw 0xf1, 0xf7               ; isa-debug-exit
    dw 0, 0
align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
gdt_end:
gdt_desc:
    dw gdt_end - gdt - 1
    dd gdt
msg_ports: db "GARBAGE: I/O ports", 13, 10, 0
msg_mmio:  db "GARBAGE: MMIO pages", 13, 10, 0
msg_ok:    db "GARBAGE-RESULT: survived", 13, 10, 0
end:
times (KERNEL_SECTORS + 1) * 512 - ($ - $$) db 0
