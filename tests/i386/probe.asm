; Capability probe: one load and one store through the softmmu TLB.
%include "lib.inc"
bits 16
org 0x7c00
    xor ax, ax
    mov ds, ax
    mov dword [0x600], 0x5a5a1234
    mov eax, [0x600]
    out PORT_VAL, eax
    DONE
