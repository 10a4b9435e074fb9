; Hardware task switches: JMP to a TSS and back (busy bits, no NT), CALL
; through a task gate (NT and the back link set), IRET with NT returning
; to the caller's task. Each task keeps its own registers.
%include "lib.inc"
%define TSS1 0x3000
%define TSS2 0x3100
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
    mov edi, TSS1
    xor eax, eax
    mov ecx, 0x200 / 4
    rep stosd
    ; task 2's initial state
    mov dword [TSS2 + 0x20], task2  ; EIP
    mov dword [TSS2 + 0x24], 2      ; EFLAGS
    mov dword [TSS2 + 0x28], 0x22220000 ; EAX
    mov dword [TSS2 + 0x38], 0x8000 ; ESP
    mov word [TSS2 + 0x48], SEL_DATA0 ; ES
    mov word [TSS2 + 0x4c], SEL_CODE0 ; CS
    mov word [TSS2 + 0x50], SEL_DATA0 ; SS
    mov word [TSS2 + 0x54], SEL_DATA0 ; DS
    mov edi, gdt_table + 0x40
    mov eax, TSS1
    mov ebx, 0x67
    mov cx, 0x0089
    call make_desc
    mov edi, gdt_table + 0x48
    mov eax, TSS2
    call make_desc
    ; 0x50: task gate to TSS2
    mov dword [gdt_table + 0x50], 0x00480000
    mov dword [gdt_table + 0x54], 0x00008500
    mov ax, 0x40
    ltr ax
    mov eax, 0x11110000
    jmp 0x48:0
    out PORT_VAL, eax               ; task 1 again, its EAX kept
    mov eax, 0x11110001
    call 0x50:0
    out PORT_VAL, eax
    pushfd
    pop eax
    and eax, 0x4000
    out PORT_VAL, eax               ; NT clear in task 1
    str ax
    movzx eax, ax
    out PORT_VAL, eax               ; back in TSS 0x40
    DONE

task2:
    out PORT_VAL, eax               ; EAX from the TSS
    pushfd
    pop eax
    and eax, 0x4000
    out PORT_VAL, eax               ; JMP: no NT
    jmp 0x40:0
    mov eax, 0x22220001             ; resumed by the CALL through the gate
    out PORT_VAL, eax
    pushfd
    pop eax
    and eax, 0x4000
    out PORT_VAL, eax               ; CALL: NT
    movzx eax, word [TSS2]
    out PORT_VAL, eax               ; back link
    iret

%include "libdata.inc"
