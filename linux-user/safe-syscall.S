/*
 * safe_syscall_base: a host system call that cannot miss a guest signal.
 *
 *   int64_t safe_syscall_base(volatile int *pending, int64_t nr,
 *                             a1, a2, a3, a4, a5, a6);
 *
 * Returns the kernel's result (negative errno on failure), or
 * -TARGET_ERESTARTSYS (-512) when a signal for the guest was pending
 * before the call started: the caller makes the guest redo the system
 * call after its handler ran, exactly as if the signal had come just
 * before the guest's SYSCALL instruction.
 *
 * The check of *pending and the SYSCALL instruction are one range,
 * [safe_syscall_start, safe_syscall_end). The host signal handler sets
 * *pending and, when the interrupted pc is inside that range (the call
 * has not started yet, or the kernel rewound it to restart it), moves the
 * pc to safe_syscall_restart. So a signal taken after the check can no
 * longer leave the thread blocked in the kernel with the guest's handler
 * not run: either the check sees the flag, or the handler redirects the
 * pc, or the kernel call itself is interrupted and returns -EINTR.
 */
        .text
        .globl  safe_syscall_base
        .globl  safe_syscall_start
        .globl  safe_syscall_end
        .globl  safe_syscall_restart
        .type   safe_syscall_base, @function
        .hidden safe_syscall_start
        .hidden safe_syscall_end
        .hidden safe_syscall_restart
safe_syscall_base:
        .cfi_startproc
        push    %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbp, 0
        mov     %rdi, %rbp              /* the pending flag (callee-saved) */
        mov     %rsi, %rax              /* the system call number */
        mov     %rdx, %rdi              /* arguments 1..6: the kernel's */
        mov     %rcx, %rsi              /* registers from the C ABI's */
        mov     %r8, %rdx
        mov     %r9, %r10
        mov     16(%rsp), %r8
        mov     24(%rsp), %r9
safe_syscall_start:
        cmpl    $0, (%rbp)
        jnz     safe_syscall_restart
        syscall
safe_syscall_end:
        pop     %rbp
        .cfi_remember_state
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
        ret
        .cfi_restore_state
safe_syscall_restart:
        mov     $-512, %rax
        pop     %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
        ret
        .cfi_endproc
        .size   safe_syscall_base, .-safe_syscall_base

        .section .note.GNU-stack, "", @progbits
