; linuxboot.bin: the option ROM that boots -kernel/-initrd/-append through
; the BIOS (SeaBIOS). The board (hw/i386/x86-fw-cfg-boot.c) publishes the
; bzImage split in two, its setup header already patched for this load,
; with the addresses it chose, through fw_cfg:
;   FW_CFG_SETUP_ADDR/SIZE/DATA    real-mode setup (below 1 MiB, 16-aligned)
;   FW_CFG_KERNEL_ADDR/SIZE/DATA   protected-mode kernel (1 MiB)
;   FW_CFG_INITRD_ADDR/SIZE/DATA   initrd (size 0: none)
;   FW_CFG_CMDLINE_ADDR/SIZE/DATA  command line with its NUL (size 0: none)
; and this ROM as the fw_cfg file "genroms/linuxboot.bin".
;
; SeaBIOS copies genroms/* files into the option ROM area and far-calls
; each one's init entry (offset 3); ours has nothing to set up. Its PnP
; header (offset 0x1a) carries a bootstrap entry vector (BEV), so SeaBIOS
; adds a boot entry for it ("Booting from ROM..."), first unless the boot
; order says otherwise. When that entry is booted this ROM copies the four
; pieces to their addresses with fw_cfg DMA (it writes above 1 MiB from
; real mode, no protected-mode switch needed; the DMA descriptor lives on
; the stack and is big-endian), then enters the kernel's real-mode setup
; as the Linux boot protocol (Documentation/arch/x86/boot.rst) says:
; DS=ES=FS=GS=SS=the setup segment, SP at the end of the setup heap,
; CS:IP = setup segment + 0x20 : 0. The setup code then asks the BIOS for
; the e820 map, the video mode and so on, and finds SeaBIOS's ACPI tables.
;
; If fw_cfg has no DMA or no kernel, or a transfer fails, the ROM prints a
; line through int 10h and returns to SeaBIOS, which tries the next boot
; device.
;
; Build: nasm -f bin, then romsign.py sets the size byte (512-byte blocks)
; and the checksums (ROM and PnP header) and writes a C array.

bits 16
cpu 486
org 0

FW_CFG_PORT_SEL       equ 0x510
FW_CFG_PORT_DATA      equ 0x511
FW_CFG_PORT_DMA_HI    equ 0x514
FW_CFG_PORT_DMA_LO    equ 0x518

FW_CFG_ID             equ 0x01
FW_CFG_KERNEL_ADDR    equ 0x07
FW_CFG_KERNEL_SIZE    equ 0x08
FW_CFG_INITRD_ADDR    equ 0x0a
FW_CFG_INITRD_SIZE    equ 0x0b
FW_CFG_KERNEL_DATA    equ 0x11
FW_CFG_INITRD_DATA    equ 0x12
FW_CFG_CMDLINE_ADDR   equ 0x13
FW_CFG_CMDLINE_SIZE   equ 0x14
FW_CFG_CMDLINE_DATA   equ 0x15
FW_CFG_SETUP_ADDR     equ 0x16
FW_CFG_SETUP_SIZE     equ 0x17
FW_CFG_SETUP_DATA     equ 0x18

FW_CFG_VERSION_DMA    equ 0x02
FW_CFG_DMA_CTL_ERROR  equ 0x01
FW_CFG_DMA_CTL_READ   equ 0x02
FW_CFG_DMA_CTL_SELECT equ 0x08

HDR_HEAP_END_PTR      equ 0x224 ; setup header field, offset in the setup

; the boot entry's stack frame (below BP)
SETUP_ADDR            equ -4    ; dword
DMA_DESC              equ -20   ; 16 bytes: be32 control, be32 length, be64 address
FRAME_SIZE            equ 20

; ---------------------------------------------------------------- header
rom_header:
    db 0x55, 0xaa
    db 0                        ; size in 512-byte blocks (romsign.py)
    jmp near rom_init           ; 0x03: init entry, far-called at POST
    times 0x18 - ($ - $$) db 0
    dw 0                        ; 0x18: PCI data structure: none
    dw pnp_header               ; 0x1a: PnP expansion header

    align 16, db 0
pnp_header:
    db '$PnP'
    db 1                        ; structure revision
    db 2                        ; length in 16-byte units
    dw 0                        ; next header: none
    db 0                        ; reserved
    db 0                        ; checksum of these 32 bytes (romsign.py)
    dd 0                        ; device identifier
    dw manufacturer             ; manufacturer string
    dw product_name             ; product name string (SeaBIOS's boot menu)
    db 0, 0, 0                  ; device type code
    db 0x04                     ; device indicators: IPL device
    dw 0                        ; boot connection vector: none
    dw 0                        ; disconnect vector: none
    dw boot_entry               ; bootstrap entry vector
    dw 0                        ; reserved
    dw 0                        ; static resource information vector: none

manufacturer:  db 'Tern', 0
product_name:  db 'Linux loader (fw_cfg)', 0

; ------------------------------------------------------------ init entry
; Nothing to do at POST: SeaBIOS reads the BEV from the PnP header.
rom_init:
    retf

; ----------------------------------------------------------- boot entry
boot_entry:
    pushad
    push ds
    push es
    push bp
    mov bp, sp
    sub sp, FRAME_SIZE
    cld

    mov ax, FW_CFG_ID
    call fw_cfg_read32
    test al, FW_CFG_VERSION_DMA
    mov si, msg_no_dma
    jz fail

    ; the real-mode setup (its header patched by the board)
    mov ax, FW_CFG_SETUP_SIZE
    call fw_cfg_read32
    mov ecx, eax
    mov si, msg_no_kernel
    test ecx, ecx
    jz fail
    mov ax, FW_CFG_SETUP_ADDR
    call fw_cfg_read32
    mov [bp + SETUP_ADDR], eax
    mov edi, eax
    mov ax, FW_CFG_SETUP_DATA
    call fw_cfg_dma_read
    jc fail

    ; the protected-mode kernel
    mov ax, FW_CFG_KERNEL_SIZE
    call fw_cfg_read32
    mov ecx, eax
    mov ax, FW_CFG_KERNEL_ADDR
    call fw_cfg_read32
    mov edi, eax
    mov ax, FW_CFG_KERNEL_DATA
    call fw_cfg_dma_read
    jc fail

    ; the initrd, if any
    mov ax, FW_CFG_INITRD_SIZE
    call fw_cfg_read32
    mov ecx, eax
    jecxz .no_initrd
    mov ax, FW_CFG_INITRD_ADDR
    call fw_cfg_read32
    mov edi, eax
    mov ax, FW_CFG_INITRD_DATA
    call fw_cfg_dma_read
    jc fail
.no_initrd:

    ; the command line, if any
    mov ax, FW_CFG_CMDLINE_SIZE
    call fw_cfg_read32
    mov ecx, eax
    jecxz .no_cmdline
    mov ax, FW_CFG_CMDLINE_ADDR
    call fw_cfg_read32
    mov edi, eax
    mov ax, FW_CFG_CMDLINE_DATA
    call fw_cfg_dma_read
    jc fail
.no_cmdline:

    ; enter the setup code: segments at the setup, stack at the heap's
    ; end (heap_end_ptr + 0x200, 0x10000 wrapping to 0 as the setup code
    ; expects), CS = setup segment + 0x20
    mov eax, [bp + SETUP_ADDR]
    shr eax, 4
    mov bx, ax
    mov es, bx
    mov dx, [es:HDR_HEAP_END_PTR]
    add dx, 0x200
    cli
    mov ds, bx
    mov fs, bx
    mov gs, bx
    mov ss, bx
    movzx esp, dx
    add bx, 0x20
    push bx
    push word 0
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    retf

; Print the message at CS:SI and give the boot back to SeaBIOS.
fail:
    push cs
    pop ds
.next:
    lodsb
    test al, al
    jz .done
    mov ah, 0x0e                ; teletype output
    mov bx, 0x0007
    int 0x10
    jmp .next
.done:
    mov sp, bp
    pop bp
    pop es
    pop ds
    popad
    retf

; EAX = the little-endian dword at the start of fw_cfg item AX (through
; the selector and data ports). Clobbers DX.
fw_cfg_read32:
    push cx
    mov dx, FW_CFG_PORT_SEL
    out dx, ax
    mov dx, FW_CFG_PORT_DATA
    mov cx, 4
.byte:
    in al, dx
    ror eax, 8                  ; after 4 bytes the first is in bits 0-7
    loop .byte
    pop cx
    ret

; Copy ECX bytes of fw_cfg item AX to physical address EDI by DMA.
; CF set (and SI = the message) on a DMA error. Clobbers EAX, EBX, EDX.
fw_cfg_dma_read:
    movzx eax, ax
    shl eax, 16
    or eax, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ
    bswap eax
    mov [bp + DMA_DESC], eax
    mov eax, ecx
    bswap eax
    mov [bp + DMA_DESC + 4], eax
    mov dword [bp + DMA_DESC + 8], 0
    mov eax, edi
    bswap eax
    mov [bp + DMA_DESC + 12], eax
    ; the descriptor's physical address: SS * 16 + BP + DMA_DESC
    xor eax, eax
    mov ax, ss
    shl eax, 4
    movzx ebx, bp
    lea eax, [eax + ebx + DMA_DESC]
    bswap eax
    mov ebx, eax
    xor eax, eax
    mov dx, FW_CFG_PORT_DMA_HI
    out dx, eax                 ; high half: 0
    mov eax, ebx
    mov dx, FW_CFG_PORT_DMA_LO
    out dx, eax                 ; low half: starts the transfer
.wait:
    ; done when the device has cleared everything but the error bit
    mov eax, [bp + DMA_DESC]
    bswap eax
    test eax, ~FW_CFG_DMA_CTL_ERROR
    jnz .wait
    test al, FW_CFG_DMA_CTL_ERROR
    jz .ok
    mov si, msg_dma_error
    stc
    ret
.ok:
    clc
    ret

msg_no_dma:    db 'linuxboot: fw_cfg has no DMA interface', 13, 10, 0
msg_no_kernel: db 'linuxboot: no kernel in fw_cfg', 13, 10, 0
msg_dma_error: db 'linuxboot: fw_cfg DMA error', 13, 10, 0
