; Long mode: 4-level paging, EFER.LME + CR0.PG -> LMA, a far jump to a
; 64-bit code segment, INT n through a 64-bit IDT gate with IST 1, IRETQ
; to ring 3, SYSCALL (RCX/R11, FMASK) and SYSRETQ.
%include "lib.inc"
bits 16
org 0x7c00
start:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    ENTER_PM32 pm32
bits 32
pm32:
    mov edi, 0x20000
    xor eax, eax
    mov ecx, 0x3000 / 4
    rep stosd
    mov dword [0x20000], 0x21000 | 7 ; PML4[0]
    mov dword [0x21000], 0x22000 | 7 ; PDPT[0]
    mov dword [0x22000], 0x000087    ; PD[0]: 2 MiB, user
    mov dword [0x22008], 0x200087
    ; 64-bit TSS: RSP0 0x80000, IST1 0x90000
    mov edi, TSS_BASE
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [TSS_BASE + 4], 0x80000
    mov dword [TSS_BASE + 0x24], 0x90000
    mov edi, gdt_table + 0x40
    mov eax, TSS_BASE
    mov ebx, 0x67
    mov cx, 0x0089
    call make_desc
    mov eax, cr4
    or eax, 0x20                    ; PAE
    mov cr4, eax
    mov eax, 0x20000
    mov cr3, eax
    mov ecx, 0xc0000080
    rdmsr
    or eax, 0x101                   ; LME | SCE
    wrmsr
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax                    ; LMA: compatibility mode
    jmp SEL_CODE64:lm64

bits 64
lm64:
    REPORT 64
    mov ax, 0x40
    ltr ax
    mov rax, int20
    mov rdi, IDT_BASE + 0x20 * 16
    mov [rdi], ax
    mov word [rdi + 2], SEL_CODE64
    mov byte [rdi + 4], 1           ; IST1
    mov byte [rdi + 5], 0x8e
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword [rdi + 12], 0
    lidt [idt_desc64]
    int 0x20
    ; SYSCALL: CS 0x30; SYSRET: CS 0x28 + 16 | 3, SS 0x28 + 8 | 3
    mov ecx, 0xc0000081
    xor eax, eax
    mov edx, 0x00280030
    wrmsr
    mov rax, syscall_entry
    mov rdx, rax
    shr rdx, 32
    mov ecx, 0xc0000082
    wrmsr
    mov ecx, 0xc0000084
    mov eax, 0x200                  ; FMASK: IF
    xor edx, edx
    wrmsr
    push SEL_DATA3 | 3
    push 0x70000
    push 0x3202                     ; IOPL 3, IF
    push SEL_CODE3_64 | 3
    push ring3
    iretq

ring3:
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 3
    syscall
after_syscall:
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 3 after SYSRETQ
    DONE

int20:
    REPORT 0x20
    mov rax, rsp
    out PORT_VAL, eax               ; IST1 - 5 qwords
    mov rax, [rsp + 8]
    out PORT_VAL, eax               ; stacked CS
    iretq

syscall_entry:
    mov eax, cs
    and eax, 3
    out PORT_VAL, eax               ; 0
    mov rax, after_syscall
    cmp rax, rcx
    sete al
    movzx eax, al
    out PORT_VAL, eax               ; RCX = the return address
    mov rax, r11
    and eax, 0x3200
    out PORT_VAL, eax               ; R11 = RFLAGS (IOPL 3, IF)
    pushfq
    pop rax
    and eax, 0x200
    out PORT_VAL, eax               ; IF masked by FMASK
    o64 sysret

align 8
idt_desc64:
    dw 256 * 16 - 1
    dq IDT_BASE

%include "libdata.inc"
