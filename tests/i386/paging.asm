; Paging: 32-bit two-level paging with 4 KiB and (PSE) 4 MiB pages, then
; PAE with 2 MiB pages and NX. Each #PF handler records CR2 and the error
; code, then repairs the mapping (or skips the access) and returns.
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
    lidt [idt_desc32]
    mov eax, 14
    mov ebx, pf_handler
    mov cl, 0x8e
    mov dx, SEL_CODE0
    call set_gate32
    ; page directory 0x20000 (empty but PDE 0), page table 0x21000: 0-4 MiB
    mov edi, 0x20000
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov edi, 0x21000
    mov eax, 3
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [0x20000], 0x21000 | 3
    mov dword [0x100123], 0xcafe0001
    mov eax, 0x20000
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000              ; PG | WP
    mov cr0, eax
    REPORT 1
    mov eax, [0x500123]             ; PDE 1 not present: #PF(0), then a 4 MiB page
    out PORT_VAL, eax               ; phys 0x100123
    ; a read-only page (WP: supervisor writes fault too)
    and dword [0x21000 + 0x50 * 4], ~2
    invlpg [0x50000]
    mov dword [0x50010], 0x55aa     ; #PF(P|W), the handler makes it writable
    mov eax, [0x50010]
    out PORT_VAL, eax
    mov eax, [0x21000 + 0x50 * 4]
    and eax, 0x60                   ; accessed + dirty
    out PORT_VAL, eax
    mov eax, [0x51000]              ; read only: accessed, not dirty
    mov eax, [0x21000 + 0x51 * 4]
    and eax, 0x60
    out PORT_VAL, eax

    ; PAE: PDPT 0x30000 -> PD 0x31000 with 2 MiB pages
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov edi, 0x30000
    xor eax, eax
    mov ecx, 0x2000 / 4
    rep stosd
    mov dword [0x30000], 0x31000 | 1
    mov dword [0x31000], 0x000083
    mov dword [0x31008], 0x200083
    mov dword [0x31018], 0x600083
    mov dword [0x3101c], 0x80000000 ; NX
    mov ecx, 0xc0000080             ; EFER.NXE
    rdmsr
    or eax, 0x800
    wrmsr
    mov eax, cr4
    or eax, 0x30                    ; PAE | PSE
    mov cr4, eax
    mov eax, 0x30000
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    REPORT 0x50
    mov dword [0x800000], 1         ; PDE 4 not present: #PF(W), then mapped
    mov byte [0x600000], 0xc3       ; ret, on an NX page
    call 0x600000                   ; #PF(P|I/D), the handler skips the call
    add esp, 4
    REPORT 0x99
    DONE

pf_handler:
    mov eax, cr2
    out PORT_VAL, eax
    pop eax
    out PORT_VAL, eax
    mov ebx, [pf_state]
    inc dword [pf_state]
    cmp ebx, 1
    je .st1
    cmp ebx, 2
    je .st2
    cmp ebx, 3
    je .st3
    mov eax, cr4                    ; 0: PDE 1 = 4 MiB page at 0
    or eax, 0x10
    mov cr4, eax
    mov dword [0x20004], 0x83
    iret
.st1:                               ; 1: make page 0x50 writable
    or dword [0x21000 + 0x50 * 4], 2
    invlpg [0x50010]
    iret
.st2:                               ; 2: PDE 4 = 2 MiB at 0x200000
    mov dword [0x31020], 0x200083
    mov dword [0x31024], 0
    iret
.st3:                               ; 3: return to the caller of the NX code
    mov eax, [esp + 12]
    mov [esp], eax
    iret

pf_state: dd 0
%include "libdata.inc"
