; A 32-bit protected-mode test kernel for tests/functional/run-kernels.sh,
; loaded by loader.inc. It checks, reporting each step on COM1:
;  - #DE from DIV by zero (vector, return address of the faulting DIV);
;  - paging with 4 KiB pages: an alias mapping, a #PF on a not-present page
;    (CR2, error code 2) fixed by the handler and the access restarted, a
;    write to a read-only page with CR0.WP (#PF, error code 3);
;  - ring 3 through IRET (TSS ESP0 for the way back): CLI there is #GP,
;    a read of a supervisor page is #PF with error code 5, INT 0x80
;    through a DPL3 gate returns to ring 0 on the TSS stack;
;  - PIT IRQ0 through the remapped 8259 (vector 0x20): HLT wakes up on it in
;    ring 0, and ticks also arrive while ring 3 spins with IF=1.
; Success: "KERNEL-RESULT: OK" and isa-debug-exit 0x10; failure: a line
; naming the check and 0x20.
%include "loader.inc"

KSTACK  equ 0x90000
USTACK  equ 0x80000
PD      equ 0x20000
PT0     equ 0x21000         ; 0-4 MiB identity
PT1     equ 0x22000         ; 4-8 MiB: test mappings
IDT     equ 0x10000
SPAGE   equ 0x30000         ; the one supervisor-only page below 4 MiB

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, KSTACK
    mov esi, msg_hello
    call puts

    ; IDT: every vector 0-47 and 0x80 through its stub
    xor ecx, ecx
.idt:
    mov eax, [stubs + ecx * 4]
    mov edi, IDT
    lea edi, [edi + ecx * 8]
    mov [edi], ax
    mov word [edi + 2], 0x08
    mov word [edi + 4], 0x8e00
    shr eax, 16
    mov [edi + 6], ax
    inc ecx
    cmp ecx, 48
    jb .idt
    mov eax, stub_0x80
    mov edi, IDT + 0x80 * 8
    mov [edi], ax
    mov word [edi + 2], 0x08
    mov word [edi + 4], 0xee00     ; DPL 3: INT 0x80 allowed from ring 3
    shr eax, 16
    mov [edi + 6], ax
    lidt [idt_desc]

    ; TSS descriptor base and ring-0 stack
    mov eax, tss
    mov [gdt_tss + 2], ax
    shr eax, 16
    mov [gdt_tss + 4], al
    mov [gdt_tss + 7], ah
    mov dword [tss + 4], KSTACK
    mov dword [tss + 8], 0x10
    mov ax, 0x28
    ltr ax

    ; --- #DE ---
    mov dword [resume], .de_done
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.de_insn:
    div ecx
    jmp fail_de
.de_done:
    cmp dword [last_vec], 0
    jne fail_de
    cmp dword [last_eip], .de_insn
    jne fail_de
    mov esi, msg_de
    call puts

    ; --- paging ---
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov edi, PT1
    mov ecx, 1024
    rep stosd
    mov edi, PT0                ; identity, user+rw+present
    mov eax, 0x007
    mov ecx, 1024
.pt0:
    stosd
    add eax, 0x1000
    loop .pt0
    mov dword [PT0 + (SPAGE >> 12) * 4], SPAGE | 3   ; supervisor only
    mov dword [PD], PT0 | 7
    mov dword [PD + 4], PT1 | 7
    mov dword [PT1], 0x100000 | 3                  ; 0x400000 -> 0x100000
    mov dword [PT1 + 8], 0x102000 | 1              ; 0x402000 read-only
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000          ; PG | WP
    mov cr0, eax
    mov dword [0x400000], 0x12345678
    cmp dword [0x100000], 0x12345678
    jne fail_alias
    ; not present: the handler maps 0x401000 -> 0x101000, the store restarts
    mov dword [pf_fix], 1
    mov dword [0x401000], 0xcafe
    cmp dword [last_vec], 14
    jne fail_pf
    cmp dword [last_cr2], 0x401000
    jne fail_pf
    cmp dword [last_err], 2
    jne fail_pf
    cmp dword [0x101000], 0xcafe
    jne fail_pf
    ; read-only with WP
    mov dword [resume], .ro_done
    mov dword [0x402000], 1
    jmp fail_wp
.ro_done:
    cmp dword [last_vec], 14
    jne fail_wp
    cmp dword [last_err], 3
    jne fail_wp
    cmp dword [last_cr2], 0x402000
    jne fail_wp
    mov esi, msg_paging
    call puts

    ; --- PIT IRQ0 through the 8259, HLT in ring 0 ---
    mov al, 0x11                ; ICW1: edge, cascade, ICW4
    out 0x20, al
    out 0xa0, al
    mov al, 0x20                ; ICW2: vectors 0x20 / 0x28
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4                   ; ICW3
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1                   ; ICW4: 8086 mode
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe                ; only IRQ0
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    mov al, 0x34                ; PIT channel 0, lobyte/hibyte, mode 2
    out 0x43, al
    mov al, 11932 & 0xff        ; ~100 Hz
    out 0x40, al
    mov al, 11932 >> 8
    out 0x40, al
    mov dword [ticks], 0
    sti
.wait:
    hlt
    cmp dword [ticks], 3
    jb .wait
    cli
    mov esi, msg_pit
    call puts

    ; --- ring 3 ---
    mov dword [ring0_resume], back_in_ring0
    push dword 0x23             ; SS
    push dword USTACK           ; ESP
    push dword 0x202            ; EFLAGS: IF, IOPL 0
    push dword 0x1b             ; CS
    push dword user_code        ; EIP
    iret

user_code:
    mov ax, 0x23
    mov ds, ax
    mov es, ax
    mov [user_cs], cs
    mov dword [resume], .cli_done
    cli                         ; #GP in ring 3 with IOPL 0
    jmp user_fail
.cli_done:
    mov dword [resume], .read_done
    mov eax, [SPAGE]            ; #PF: supervisor page
    jmp user_fail
.read_done:
    mov eax, [ticks]            ; wait for a tick while in ring 3 (bounded)
    mov ecx, 0x10000000
.spin:
    cmp [ticks], eax
    jne .ticked
    dec ecx
    jnz .spin
    mov dword [user_ticked], 0
    jmp .sys
.ticked:
    mov dword [user_ticked], 1
.sys:
    mov eax, 0x1234
    int 0x80
user_fail:
    mov dword [user_failed], 1
    int 0x80

back_in_ring0:
    cli
    mov esp, KSTACK
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    cmp dword [user_failed], 0
    jne fail_user
    cmp word [user_cs], 0x1b
    jne fail_user
    cmp dword [gp_cs], 0x1b     ; the #GP of CLI came from ring 3
    jne fail_user
    cmp dword [pf_user_err], 5
    jne fail_user
    cmp dword [sys_eax], 0x1234
    jne fail_user
    cmp dword [sys_cs], 0x1b
    jne fail_user
    cmp dword [sys_on_kstack], 1
    jne fail_user
    mov esi, msg_user
    call puts
    cmp dword [user_ticked], 1
    jne fail_user_tick
    mov esi, msg_user_tick
    call puts
    mov al, 0xff
    out 0x21, al
    mov esi, msg_ok
    call puts
    mov al, 0x10
    out 0xf4, al
    hlt

; ---- exception / interrupt handling ----
; stack on entry to isr_common: vector, error code, EIP, CS, EFLAGS [, ESP, SS]
isr_common:
    push eax
    mov eax, [esp + 4]
    cmp eax, 0x20
    je .irq0
    cmp eax, 0x80
    je .sys
    mov [last_vec], eax
    mov eax, [esp + 8]
    mov [last_err], eax
    mov eax, [esp + 12]
    mov [last_eip], eax
    mov eax, cr2
    mov [last_cr2], eax
    mov eax, [esp + 16]
    cmp dword [last_vec], 13
    jne .not_gp
    mov [gp_cs], eax
.not_gp:
    cmp dword [last_vec], 14
    jne .not_pf
    test eax, 3
    jz .not_user_pf
    mov eax, [last_err]
    mov [pf_user_err], eax
.not_user_pf:
    cmp dword [pf_fix], 0
    je .not_pf
    mov dword [pf_fix], 0
    mov dword [PT1 + 4], 0x101000 | 3
    mov eax, [last_cr2]
    invlpg [eax]
    jmp .ret
.not_pf:
    mov eax, [resume]
    test eax, eax
    jz unexpected
    mov [esp + 12], eax
    mov dword [resume], 0
.ret:
    pop eax
    add esp, 8
    iret
.irq0:
    inc dword [ticks]
    mov al, 0x20
    out 0x20, al
    jmp .ret
.sys:
    mov eax, [esp]
    mov [sys_eax], eax
    mov eax, [esp + 16]
    mov [sys_cs], eax
    ; on the TSS's ring-0 stack: frame SS:ESP pushed below KSTACK
    cmp esp, KSTACK - 0x40
    jb .sys_done
    cmp esp, KSTACK
    jae .sys_done
    mov dword [sys_on_kstack], 1
.sys_done:
    ; return to ring 0 at ring0_resume (same-privilege IRET, then
    ; back_in_ring0 resets the stack)
    mov eax, [ring0_resume]
    mov [esp + 12], eax
    mov dword [esp + 16], 0x08
    jmp .ret

unexpected:
    mov esi, msg_unexpected
    call puts
    mov eax, [last_vec]
    call puthex
    mov eax, [last_eip]
    call puthex
    jmp fail_exit

%macro failure 2
%1:
    mov esi, %%m
    call puts
    jmp fail_exit
%%m: db "KERNEL-RESULT: FAIL ", %2, 13, 10, 0
%endmacro
failure fail_de, "#DE"
failure fail_alias, "paging alias"
failure fail_pf, "#PF not present"
failure fail_wp, "#PF write protect"
failure fail_user, "ring 3"
failure fail_user_tick, "PIT tick in ring 3"

fail_exit:
    mov al, 0x20
    out 0xf4, al
    cli
    hlt

puts:                           ; ESI: NUL-terminated string to COM1
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

puthex:                         ; EAX as 8 hex digits and a space
    push ecx
    push edx
    mov ecx, 8
.l: rol eax, 4
    push eax
    and eax, 15
    mov al, [hexdigits + eax]
    mov dx, 0x3f8
    out dx, al
    pop eax
    loop .l
    mov al, ' '
    out dx, al
    pop edx
    pop ecx
    ret

%include "isr-stubs.inc"

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08 ring-0 code
    dq 0x00cf92000000ffff       ; 0x10 ring-0 data
    dq 0x00cffa000000ffff       ; 0x18 ring-3 code
    dq 0x00cff2000000ffff       ; 0x20 ring-3 data
gdt_tss:
    dw 103, 0                   ; 0x28 32-bit TSS (base filled in)
    db 0, 0x89, 0, 0
gdt_end:
gdt_desc:
    dw gdt_end - gdt - 1
    dd gdt
idt_desc:
    dw 256 * 8 - 1
    dd IDT
align 4
tss: times 104 db 0

resume:        dd 0
ring0_resume:  dd 0
pf_fix:        dd 0
last_vec:      dd 0xffffffff
last_err:      dd 0
last_eip:      dd 0
last_cr2:      dd 0
gp_cs:         dd 0
pf_user_err:   dd 0
ticks:         dd 0
user_cs:       dd 0
user_failed:   dd 0
user_ticked:   dd 0
sys_eax:       dd 0
sys_cs:        dd 0
sys_on_kstack: dd 0
hexdigits: db "0123456789abcdef"
msg_hello:      db "PM: protected mode", 13, 10, 0
msg_de:         db "PM: #DE ok", 13, 10, 0
msg_paging:     db "PM: paging, #PF, WP ok", 13, 10, 0
msg_pit:        db "PM: PIT IRQ0 wakes HLT ok", 13, 10, 0
msg_user:       db "PM: ring 3, #GP, user #PF, INT 0x80 ok", 13, 10, 0
msg_user_tick:  db "PM: PIT IRQ0 in ring 3 ok", 13, 10, 0
msg_unexpected: db "KERNEL-RESULT: FAIL unexpected exception ", 0
msg_ok:         db "KERNEL-RESULT: OK", 13, 10, 0
end:
%if end - $$ > (KERNEL_SECTORS + 1) * 512
%error "kernel larger than the loader loads"
%endif
times (KERNEL_SECTORS + 1) * 512 - ($ - $$) db 0
