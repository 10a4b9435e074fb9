; A long-mode (64-bit) test kernel for tests/functional/run-kernels.sh,
; loaded by loader.inc; real mode -> protected mode -> 4-level paging with
; PAE + EFER.LME -> 64-bit code. It checks, reporting on COM1:
;  - #DE from DIV by zero;
;  - #GP(0) from a non-canonical address, delivered on the TSS's IST1 stack;
;  - paging: an alias 4 KiB mapping, a 2 MiB page, #PF on a not-present page
;    (CR2, error code 2) fixed by the handler and restarted, a write to a
;    read-only page with CR0.WP (error code 3), a fetch from an NX page with
;    EFER.NXE (error code 0x11);
;  - ring 3 through IRETQ: CLI there is #GP, a read of a supervisor page is
;    #PF with error code 5, INT 0x80 through a DPL3 gate arrives on the
;    TSS's RSP0 stack;
;  - PIT IRQ0 through the remapped 8259: HLT wakes up in ring 0, and ticks
;    arrive while ring 3 spins with IF=1;
;  - the local APIC: CPUID advertises x2APIC, the TSC-deadline timer and an
;    invariant TSC at 2 GHz (leaf 0x15); CR8 is the TPR's high nibble both
;    ways; the TSC-deadline timer fires (not before its deadline) and
;    clears IA32_TSC_DEADLINE; in x2APIC mode the ID/TPR MSRs work and a
;    self IPI arrives.
; Success: "KERNEL-RESULT: OK" and isa-debug-exit 0x10; failure: a line
; naming the check and 0x20.
%include "loader.inc"

KSTACK  equ 0x90000
ISTACK  equ 0x88000         ; IST1
USTACK  equ 0x80000
IDT     equ 0x10000
PML4    equ 0x20000
PDPT    equ 0x21000
PD      equ 0x22000
PT0     equ 0x23000         ; 0-2 MiB, 4 KiB pages
PT2     equ 0x24000         ; 4-6 MiB: test mappings
PD3     equ 0x25000         ; 3-4 GiB: the local APIC page
APIC    equ 0xfee00000
VEC_TIMER equ 0x2f          ; the APIC timer's vector
VEC_IPI   equ 0x2e          ; the x2APIC self IPI's vector
SPAGE   equ 0x30000         ; supervisor-only page

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, KSTACK
    ; page tables
    mov edi, PML4
    mov ecx, 6 * 1024
    xor eax, eax
    rep stosd
    mov dword [PML4], PDPT | 7
    mov dword [PDPT], PD | 7
    mov dword [PD], PT0 | 7
    mov dword [PD + 8], 0x200000 | 0x87     ; 2 MiB page, identity
    mov dword [PD + 16], PT2 | 7
    mov dword [PDPT + 24], PD3 | 3
    mov dword [PD3 + ((APIC >> 21) & 511) * 8], (APIC & ~0x1fffff) | 0x9b ; 2 MiB, PCD PWT
    mov edi, PT0
    mov eax, 7
    mov ecx, 512
.pt0:
    mov [edi], eax
    add eax, 0x1000
    add edi, 8
    loop .pt0
    mov dword [PT0 + (SPAGE >> 12) * 8], SPAGE | 3
    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PML4
    mov cr3, eax
    mov ecx, 0xc0000080         ; EFER: LME | NXE
    rdmsr
    or eax, 0x900
    wrmsr
    mov eax, cr0
    or eax, 0x80010000          ; PG | WP
    mov cr0, eax
    jmp 0x18:lm64

bits 64
lm64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, KSTACK
    mov rsi, msg_hello
    call puts
    mov ecx, 0xc0000080         ; long mode active?
    rdmsr
    test eax, 0x400             ; LMA
    jz fail_lma

    ; IDT: vectors 0-47 and 0x80
    xor ecx, ecx
.idt:
    mov rax, [stubs + rcx * 8]
    mov rdi, rcx
    shl rdi, 4
    add rdi, IDT
    call set_gate
    inc ecx
    cmp ecx, 48
    jb .idt
    mov byte [IDT + 13 * 16 + 4], 1           ; #GP on IST1
    mov rax, stub_0x80
    mov rdi, IDT + 0x80 * 16
    call set_gate
    mov byte [rdi + 5], 0xee                  ; DPL 3
    lidt [idt_desc]
    ; TSS
    mov rax, tss
    mov [gdt_tss + 2], ax
    shr rax, 16
    mov [gdt_tss + 4], al
    mov [gdt_tss + 7], ah
    shr rax, 16
    mov [gdt_tss + 8], eax
    mov qword [tss + 4], KSTACK               ; RSP0
    mov qword [tss + 36], ISTACK              ; IST1
    mov ax, 0x30
    ltr ax

    ; --- #DE ---
    mov qword [resume], .de_done
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.de_insn:
    div ecx
    jmp fail_de
.de_done:
    cmp qword [last_vec], 0
    jne fail_de
    mov rax, .de_insn
    cmp [last_rip], rax
    jne fail_de
    mov rsi, msg_de
    call puts

    ; --- non-canonical #GP on IST1 ---
    mov qword [resume], .gp_done
    mov rax, 0x8000000000000000
    mov rbx, [rax]
    jmp fail_gp
.gp_done:
    cmp qword [last_vec], 13
    jne fail_gp
    cmp qword [last_err], 0
    jne fail_gp
    mov rax, [last_rsp]
    cmp rax, ISTACK
    jae fail_gp
    cmp rax, ISTACK - 0x100
    jb fail_gp
    mov rsi, msg_gp
    call puts

    ; --- paging ---
    mov qword [PT2], 0x100000 | 3             ; 0x400000 -> 0x100000
    mov qword [PT2 + 16], 0x102000 | 1        ; 0x402000 read-only
    mov rax, 0x8000000000000003 | 0x103000    ; 0x403000 NX
    mov [PT2 + 24], rax
    mov byte [0x103000], 0xc3                 ; RET, never to run
    mov rax, cr3
    mov cr3, rax
    mov dword [0x400000], 0x12345678
    cmp dword [0x100000], 0x12345678
    jne fail_alias
    mov dword [0x200010], 0x55aa              ; the 2 MiB page
    cmp dword [0x200010], 0x55aa
    jne fail_alias
    mov qword [pf_fix], 1
    mov dword [0x401000], 0xcafe
    cmp qword [last_vec], 14
    jne fail_pf
    cmp qword [last_cr2], 0x401000
    jne fail_pf
    cmp qword [last_err], 2
    jne fail_pf
    cmp dword [0x101000], 0xcafe
    jne fail_pf
    mov qword [resume], .ro_done
    mov dword [0x402000], 1
    jmp fail_wp
.ro_done:
    cmp qword [last_vec], 14
    jne fail_wp
    cmp qword [last_err], 3
    jne fail_wp
    cmp qword [last_cr2], 0x402000
    jne fail_wp
    mov qword [resume], .nx_done
    mov [saved_rsp], rsp
    mov rax, 0x403000
    call rax
    jmp fail_nx
.nx_done:
    mov rsp, [saved_rsp]
    cmp qword [last_vec], 14
    jne fail_nx
    cmp qword [last_err], 0x11
    jne fail_nx
    cmp qword [last_cr2], 0x403000
    jne fail_nx
    mov rsi, msg_paging
    call puts

    ; --- PIT IRQ0 through the 8259, HLT in ring 0 ---
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    mov al, 0x34
    out 0x43, al
    mov al, 11932 & 0xff
    out 0x40, al
    mov al, 11932 >> 8
    out 0x40, al
    mov qword [ticks], 0
    sti
.wait:
    hlt
    cmp qword [ticks], 3
    jb .wait
    cli
    mov rsi, msg_pit
    call puts

    ; --- ring 3 ---
    push qword 0x23             ; SS
    push qword USTACK           ; RSP
    push qword 0x202            ; RFLAGS: IF
    push qword 0x2b             ; CS
    push qword user_code        ; RIP
    iretq

user_code:
    mov [user_cs], cs
    mov qword [resume], .cli_done
    cli
    jmp user_fail
.cli_done:
    mov qword [resume], .read_done
    mov eax, [SPAGE]
    jmp user_fail
.read_done:
    mov rax, [ticks]
    mov ecx, 0x10000000
.spin:
    cmp [ticks], rax
    jne .ticked
    dec ecx
    jnz .spin
    jmp .sys
.ticked:
    mov qword [user_ticked], 1
.sys:
    mov eax, 0x1234
    int 0x80
user_fail:
    mov qword [user_failed], 1
    int 0x80

back_in_ring0:
    cmp qword [user_failed], 0
    jne fail_user
    cmp word [user_cs], 0x2b
    jne fail_user
    cmp qword [gp_cs], 0x2b
    jne fail_user
    cmp qword [pf_user_err], 5
    jne fail_user
    cmp qword [sys_rax], 0x1234
    jne fail_user
    cmp qword [sys_cs], 0x2b
    jne fail_user
    mov rax, [sys_rsp]
    cmp rax, KSTACK
    jae fail_user
    cmp rax, KSTACK - 0x100
    jb fail_user
    mov rsi, msg_user
    call puts
    cmp qword [user_ticked], 1
    jne fail_user_tick
    mov rsi, msg_user_tick
    call puts
    mov al, 0xff
    out 0x21, al
    call apic_checks
    mov rsi, msg_ok
    call puts
    mov al, 0x10
    out 0xf4, al
    hlt

; ---- the local APIC, CR8 and the TSC (PIC masked, IF=0 on entry) ----
apic_checks:
    mov eax, 1
    cpuid
    bt ecx, 24                  ; TSC-deadline
    jnc fail_cpuid
    bt ecx, 21                  ; x2APIC
    jnc fail_cpuid
    mov eax, 0x80000007
    cpuid
    bt edx, 8                   ; invariant TSC
    jnc fail_cpuid
    mov eax, 0x15               ; TSC = crystal * EBX / EAX = 2 GHz
    cpuid
    test eax, eax
    jz fail_cpuid
    mov r8d, eax
    mov eax, ebx
    mul rcx
    xor edx, edx
    div r8
    cmp rax, 2000000000
    jne fail_cpuid
    mov rsi, msg_cpuid
    call puts

    mov edi, APIC               ; (a disp32 would sign-extend past 4 GiB)
    mov dword [rdi + 0xf0], 0x1ff           ; SVR: APIC on, spurious 0xff
    mov eax, 9
    mov cr8, rax
    cmp dword [rdi + 0x80], 0x90           ; TPR[7:4] = CR8
    jne fail_cr8
    mov dword [rdi + 0x80], 0x3c
    mov rax, cr8
    cmp rax, 3
    jne fail_cr8
    xor eax, eax
    mov cr8, rax
    mov rsi, msg_cr8
    call puts

    mov edi, APIC
    mov dword [rdi + 0x320], VEC_TIMER | (2 << 17) ; LVT timer: TSC-deadline
    rdtsc
    shl rdx, 32
    or rax, rdx
    add rax, 2000000            ; 1 ms at 2 GHz
    mov [deadline], rax
    mov rdx, rax
    shr rdx, 32
    mov ecx, 0x6e0
    wrmsr
    rdmsr
    shl rdx, 32
    or rax, rdx
    cmp rax, [deadline]
    jne fail_deadline
    mov ebx, 100000000          ; bound the wait
.wait_timer:
    sti
    nop
    cli
    cmp qword [apic_irqs], 0
    jne .timer_fired
    dec ebx
    jnz .wait_timer
    jmp fail_deadline
.timer_fired:
    rdtsc
    shl rdx, 32
    or rax, rdx
    cmp rax, [deadline]         ; never early
    jb fail_deadline
    cmp qword [apic_vec], VEC_TIMER
    jne fail_deadline
    mov ecx, 0x6e0              ; the MSR reads 0 once the timer fired
    rdmsr
    or eax, edx
    jnz fail_deadline
    mov rsi, msg_deadline
    call puts

    mov ecx, 0x1b               ; IA32_APIC_BASE: EN | EXTD
    rdmsr
    or eax, 0xc00
    wrmsr
    mov qword [x2apic_on], 1
    mov ecx, 0x802              ; x2APIC ID: the BSP's, 0
    rdmsr
    test eax, eax
    jnz fail_x2apic
    mov ecx, 0x808              ; TPR
    mov eax, 0x50
    xor edx, edx
    wrmsr
    mov rax, cr8
    cmp rax, 5
    jne fail_x2apic
    xor eax, eax
    mov cr8, rax
    mov qword [apic_irqs], 0
    mov ecx, 0x83f              ; SELF IPI
    mov eax, VEC_IPI
    xor edx, edx
    wrmsr
    sti
    nop
    cli
    cmp qword [apic_irqs], 1
    jne fail_x2apic
    cmp qword [apic_vec], VEC_IPI
    jne fail_x2apic
    mov rsi, msg_x2apic
    call puts
    ret

set_gate:                       ; RAX handler, RDI gate: ring-0 interrupt gate
    mov [rdi], ax
    mov word [rdi + 2], 0x18
    mov word [rdi + 4], 0x8e00
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword [rdi + 12], 0
    ret

; ---- exception / interrupt handling ----
; on entry: vector, error code, RIP, CS, RFLAGS, RSP, SS
isr_common:
    push rax
    mov rax, [rsp + 8]
    cmp rax, 0x20
    je .irq0
    cmp rax, 0x80
    je .sys
    cmp rax, VEC_IPI
    je .apic_irq
    cmp rax, VEC_TIMER
    je .apic_irq
    mov [last_vec], rax
    mov [last_rsp], rsp
    mov rax, [rsp + 16]
    mov [last_err], rax
    mov rax, [rsp + 24]
    mov [last_rip], rax
    mov rax, cr2
    mov [last_cr2], rax
    mov rax, [rsp + 32]
    cmp qword [last_vec], 13
    jne .not_gp
    mov [gp_cs], rax
.not_gp:
    cmp qword [last_vec], 14
    jne .not_pf
    test eax, 3
    jz .not_user_pf
    mov rax, [last_err]
    mov [pf_user_err], rax
.not_user_pf:
    cmp qword [pf_fix], 0
    je .not_pf
    mov qword [pf_fix], 0
    mov qword [PT2 + 8], 0x101000 | 3
    mov rax, [last_cr2]
    invlpg [rax]
    jmp .ret
.not_pf:
    mov rax, [resume]
    test rax, rax
    jz unexpected
    mov [rsp + 24], rax
    mov qword [resume], 0
.ret:
    pop rax
    add rsp, 16
    iretq
.apic_irq:
    mov [apic_vec], rax
    inc qword [apic_irqs]
    push rcx
    push rdx
    cmp qword [x2apic_on], 0
    jne .x2eoi
    mov eax, APIC               ; (a disp32 would sign-extend past 4 GiB)
    mov dword [rax + 0xb0], 0
    jmp .eoi_done
.x2eoi:
    mov ecx, 0x80b
    xor eax, eax
    xor edx, edx
    wrmsr
.eoi_done:
    pop rdx
    pop rcx
    jmp .ret
.irq0:
    inc qword [ticks]
    mov al, 0x20
    out 0x20, al
    jmp .ret
.sys:
    mov rax, [rsp]
    mov [sys_rax], rax
    mov rax, [rsp + 32]
    mov [sys_cs], rax
    mov [sys_rsp], rsp
    ; back to ring 0 at back_in_ring0 on a fresh kernel stack, IF=0
    mov rax, back_in_ring0
    mov [rsp + 24], rax
    mov qword [rsp + 32], 0x18
    mov qword [rsp + 40], 2
    mov qword [rsp + 48], KSTACK
    mov qword [rsp + 56], 0x10
    jmp .ret

unexpected:
    mov rsi, msg_unexpected
    call puts
    mov rax, [last_vec]
    call puthex
    mov rax, [last_rip]
    call puthex
    jmp fail_exit

%macro failure 2
%1:
    mov rsi, %%m
    call puts
    jmp fail_exit
%%m: db "KERNEL-RESULT: FAIL ", %2, 13, 10, 0
%endmacro
failure fail_lma, "EFER.LMA"
failure fail_de, "#DE"
failure fail_gp, "non-canonical #GP on IST1"
failure fail_alias, "paging alias"
failure fail_pf, "#PF not present"
failure fail_wp, "#PF write protect"
failure fail_nx, "#PF NX"
failure fail_user, "ring 3"
failure fail_user_tick, "PIT tick in ring 3"
failure fail_cpuid, "CPUID: x2APIC, TSC-deadline, invariant TSC at 2 GHz"
failure fail_cr8, "CR8 = TPR[7:4]"
failure fail_deadline, "TSC-deadline timer"
failure fail_x2apic, "x2APIC MSRs and self IPI"

fail_exit:
    mov al, 0x20
    out 0xf4, al
    cli
    hlt

puts:                           ; RSI: NUL-terminated string to COM1
    push rax
    push rdx
.l: lodsb
    test al, al
    jz .e
    mov dx, 0x3f8
    out dx, al
    jmp .l
.e: pop rdx
    pop rax
    ret

puthex:                         ; RAX as 16 hex digits and a space
    push rcx
    push rdx
    push rbx
    mov ecx, 16
    mov dx, 0x3f8
.l: rol rax, 4
    mov rbx, rax
    and ebx, 15
    push rax
    mov al, [hexdigits + rbx]
    out dx, al
    pop rax
    loop .l
    mov al, ' '
    out dx, al
    pop rbx
    pop rdx
    pop rcx
    ret

%include "isr-stubs.inc"

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08 32-bit ring-0 code (the way in)
    dq 0x00cf92000000ffff       ; 0x10 ring-0 data
    dq 0x00af9a000000ffff       ; 0x18 64-bit ring-0 code
    dq 0x00cff2000000ffff       ; 0x20 ring-3 data
    dq 0x00affa000000ffff       ; 0x28 64-bit ring-3 code
gdt_tss:
    dw 103, 0                   ; 0x30 64-bit TSS (base filled in)
    db 0, 0x89, 0, 0
    dd 0, 0
gdt_end:
gdt_desc:
    dw gdt_end - gdt - 1
    dd gdt
idt_desc:
    dw 256 * 16 - 1
    dq IDT
align 8
tss: times 104 db 0

align 8
resume:        dq 0
pf_fix:        dq 0
last_vec:      dq -1
last_err:      dq 0
last_rip:      dq 0
last_cr2:      dq 0
last_rsp:      dq 0
saved_rsp:     dq 0
gp_cs:         dq 0
pf_user_err:   dq 0
ticks:         dq 0
user_cs:       dq 0
user_failed:   dq 0
user_ticked:   dq 0
apic_irqs:     dq 0
apic_vec:      dq 0
x2apic_on:     dq 0
deadline:      dq 0
sys_rax:       dq 0
sys_cs:        dq 0
sys_rsp:       dq 0
hexdigits: db "0123456789abcdef"
msg_hello:      db "LM: long mode", 13, 10, 0
msg_de:         db "LM: #DE ok", 13, 10, 0
msg_gp:         db "LM: non-canonical #GP on IST1 ok", 13, 10, 0
msg_paging:     db "LM: paging, 2M page, #PF, WP, NX ok", 13, 10, 0
msg_pit:        db "LM: PIT IRQ0 wakes HLT ok", 13, 10, 0
msg_user:       db "LM: ring 3, #GP, user #PF, INT 0x80 on RSP0 ok", 13, 10, 0
msg_user_tick:  db "LM: PIT IRQ0 in ring 3 ok", 13, 10, 0
msg_unexpected: db "KERNEL-RESULT: FAIL unexpected exception ", 0
msg_cpuid:      db "LM: CPUID x2APIC, TSC-deadline, invariant 2 GHz TSC ok", 13, 10, 0
msg_cr8:        db "LM: CR8 is the APIC TPR ok", 13, 10, 0
msg_deadline:   db "LM: TSC-deadline timer ok", 13, 10, 0
msg_x2apic:     db "LM: x2APIC MSRs and self IPI ok", 13, 10, 0
msg_ok:         db "KERNEL-RESULT: OK", 13, 10, 0
end:
%if end - $$ > (KERNEL_SECTORS + 1) * 512
%error "kernel larger than the loader loads"
%endif
times (KERNEL_SECTORS + 1) * 512 - ($ - $$) db 0
