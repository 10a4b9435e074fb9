; ENTER/LEAVE with nesting levels 0..4 and a large frame, PUSH/POP
; forms (imm8/imm32 sign extension, 16-bit push/pop, push
; and pop with RSP-relative memory), XCHG/MOV/MOVZX/MOVSX on the
; high-byte registers next to REX-encoded SPL/BPL/SIL/DIL, and LEA with
; every addressing form, in plain nasm without libc (linked with ld).
; Every value is printed as "name=hex" on its own line, with stack
; addresses printed relative to the initial RSP.
bits 64
default rel

section .bss
outbuf: resb 65536
outpos: resq 1
base:   resq 1

section .data
hexd:   db "0123456789abcdef"

section .text
global _start

; print_kv: rsi = NUL-terminated name, rax = value. Preserves everything.
print_kv:
    push rax
    push rbx
    push rcx
    push rdx
    push rdi
    mov rdi, [outpos]
    lea rbx, [outbuf]
.name:
    mov cl, [rsi]
    test cl, cl
    jz .eq
    mov [rbx + rdi], cl
    inc rdi
    inc rsi
    jmp .name
.eq:
    mov byte [rbx + rdi], '='
    inc rdi
    mov rcx, 16
.digit:
    rol rax, 4
    mov rdx, rax
    and rdx, 15
    lea rsi, [hexd]
    mov dl, [rsi + rdx]
    mov [rbx + rdi], dl
    inc rdi
    dec rcx
    jnz .digit
    mov byte [rbx + rdi], 10
    inc rdi
    mov [outpos], rdi
    pop rdi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    ret

%macro PR 2                       ; PR "name", value (register or memory)
    section .data
%%s: db %1, 0
    section .text
    push rsi
    push rax
    mov rax, %2
    lea rsi, [%%s]
    call print_kv
    pop rax
    pop rsi
%endmacro

%macro PRSTACK 2                  ; a stack address, relative to the start
    push rax
    mov rax, %2
    sub rax, [base]
    PR %1, rax
    pop rax
%endmacro

; enter_level N: build a frame with ENTER 32, N inside three outer frames,
; print RSP/RBP and the copied frame pointers, LEAVE.
%macro ENTER_TEST 1
    push rbp
    mov rbp, rsp
    push qword 0x1111                 ; a recognisable outer frame
    mov rbp, rsp                      ; fake display: [rbp] -> rbp chain
    mov rax, rsp
    push rax                          ; level pointers (rbp-8, -16, ...)
    push rax
    push rax
    push rax
    mov r12, rsp
    enter 32, %1
    PRSTACK "enter_rsp", rsp
    PRSTACK "enter_rbp", rbp
    PRSTACK "enter_saved_rbp", [rbp]
%if %1 > 1
    PRSTACK "enter_display1", [rbp - 8]
%endif
%if %1 > 2
    PRSTACK "enter_display2", [rbp - 16]
%endif
%if %1 > 0
    PRSTACK "enter_frame_ptr", [rbp - 8 * %1]
%endif
    leave
    PRSTACK "leave_rsp", rsp
    PRSTACK "leave_rbp", rbp
    mov rsp, r12
    add rsp, 40
    pop rbp
%endmacro

_start:
    mov [base], rsp

    ENTER_TEST 0
    ENTER_TEST 1
    ENTER_TEST 2
    ENTER_TEST 3
    ENTER_TEST 4
    ; a 16-bit-size ENTER with a big frame
    push rbp
    mov r12, rsp
    enter 0x1000, 0
    PRSTACK "enter_big_rsp", rsp
    leave
    PRSTACK "leave_big_rsp", rsp
    pop rbp

    ; pushes: sign-extended immediates, 16-bit push/pop, memory forms
    push qword -5
    pop rax
    PR "push_imm8", rax
    push qword 0x7fffffff
    pop rax
    PR "push_imm32", rax
    push qword -0x80000000
    pop rax
    PR "push_imm32_neg", rax
    mov rax, rsp
    push word 0x1234
    mov rbx, rsp
    sub rax, rbx
    PR "push16_delta", rax
    mov rax, -1
    pop ax
    PR "pop16", rax
    push qword [hexd]
    pop rax
    PR "push_mem", rax
    push rax
    pop qword [rsp - 8]                      ; POP to [RSP] uses the incremented RSP
    mov rax, [rsp - 8]
    PR "pop_mem_rsp_slot", rax

    ; high-byte registers and their REX neighbours
    mov rax, 0x1122334455667788
    mov rbx, 0x99aabbccddeeff00
    mov rcx, 0x0123456789abcdef
    mov rdx, 0xfedcba9876543210
    mov ah, bl
    mov bh, cl
    xchg ch, dl
    xchg dh, al
    add ah, bh
    sub ch, 0x80
    PR "hb_rax", rax
    PR "hb_rbx", rbx
    PR "hb_rcx", rcx
    PR "hb_rdx", rdx
    movzx esi, ah
    PR "movzx_ah", rsi
    movsx edi, ch
    PR "movsx_ch", rdi
    mov rsi, 0x5555555555555555
    mov rdi, 0x6666666666666666
    mov sil, 0x80
    mov dil, al
    xchg sil, dil
    PR "rex_sil", rsi
    PR "rex_dil", rdi
    mov r8, -1
    mov r8b, 0
    mov r9, -1
    mov r9w, 0x1234
    mov r10, -1
    mov r10d, 0x1234
    PR "r8b", r8
    PR "r9w", r9
    PR "r10d", r10

    ; LEA: every addressing form, 64 and 32-bit results
    mov rbx, 0x1000
    mov rsi, 0x30
    mov r13, 0x7000000000000000
    lea rax, [rbx + rsi * 8 + 0x7f]
    PR "lea_bis", rax
    lea rax, [rsi * 4 - 1]
    PR "lea_is", rax
    lea eax, [r13 + rsi * 2 + 1]
    PR "lea32", rax
    lea ax, [rbx - 1]
    PR "lea16", rax
    lea rax, [r13 + r13 * 1]
    PR "lea_wrap", rax
    lea rax, [rbp + 0]
    sub rax, rbp
    PR "lea_rbp0", rax
    lea rax, [r13d + esi]              ; 32-bit address size
    PR "lea_addr32", rax

    ; write the buffer and exit
    mov eax, 1
    mov edi, 1
    lea rsi, [outbuf]
    mov rdx, [outpos]
    syscall
    mov eax, 60
    xor edi, edi
    syscall
