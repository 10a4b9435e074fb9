/*
 * The setup header of a Linux bzImage (the Linux x86 boot protocol,
 * Documentation/arch/x86/boot.rst): field offsets, the same in the file
 * and in boot_params, and the checks both of the PC's Linux loaders make
 * (direct boot, x86-boot.c; through the BIOS, x86-fw-cfg-boot.c).
 */
#ifndef HW_I386_BZIMAGE_H
#define HW_I386_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define BZ_HDR_SETUP_SECTS      0x1f1
#define BZ_HDR_SYSSIZE          0x1f4
#define BZ_HDR_BOOT_FLAG        0x1fe
#define BZ_HDR_JUMP             0x200
#define BZ_HDR_HEADER           0x202 /* "HdrS" */
#define BZ_HDR_VERSION          0x206
#define BZ_HDR_TYPE_OF_LOADER   0x210
#define BZ_HDR_LOADFLAGS        0x211
#define BZ_HDR_CODE32_START     0x214
#define BZ_HDR_RAMDISK_IMAGE    0x218
#define BZ_HDR_RAMDISK_SIZE     0x21c
#define BZ_HDR_HEAP_END_PTR     0x224
#define BZ_HDR_CMD_LINE_PTR     0x228
#define BZ_HDR_INITRD_ADDR_MAX  0x22c
#define BZ_HDR_KERNEL_ALIGNMENT 0x230
#define BZ_HDR_RELOCATABLE      0x234
#define BZ_HDR_CMDLINE_SIZE     0x238
#define BZ_HDR_PREF_ADDRESS     0x258
#define BZ_HDR_INIT_SIZE        0x260

#define BZ_LOADFLAG_LOADED_HIGH   0x01
#define BZ_LOADFLAG_QUIET         0x20
#define BZ_LOADFLAG_KEEP_SEGMENTS 0x40
#define BZ_LOADFLAG_CAN_USE_HEAP  0x80

/* protocol versions that brought the fields the loaders use */
#define BZ_PROTOCOL_CMD_LINE_PTR 0x0202
#define BZ_PROTOCOL_INITRD_MAX   0x0203
#define BZ_PROTOCOL_CMDLINE_SIZE 0x0206
#define BZ_PROTOCOL_INIT_SIZE    0x020a
#define BZ_PROTOCOL_DIRECT_64    0x020c /* 2.12: what direct boot needs */

/* before 2.03 the initrd had to end below this */
#define BZ_INITRD_ADDR_MAX_OLD 0x37ffffff

typedef struct BzImage {
    uint16_t version;     /* the boot protocol */
    size_t hdr_end;       /* the setup header's end: 0x202 + the jump's byte */
    size_t setup_size;    /* the real-mode part: (setup_sects + 1) sectors */
    size_t kernel_size;   /* the protected-mode part: the rest of the file */
    uint64_t kernel_need; /* RAM it needs where it is loaded (init_size if larger) */
} BzImage;

/* Does the file carry a setup header ("HdrS" at 0x202)? */
bool bzimage_has_header(const uint8_t *data, size_t len);

/*
 * Check the setup header of a file that has one: the 0xAA55 boot flag,
 * protocol min_version or later (how names the boot path in the error:
 * "direct boot needs 2.12 or later"), a header reaching at least
 * min_hdr_end and lying inside the setup, a setup and protected-mode
 * kernel (syssize) inside the file, and a bzImage (LOADED_HIGH), not a
 * zImage. Errors name the file (name).
 */
bool bzimage_parse(BzImage *bz, const char *name, const uint8_t *data, size_t len,
                   uint16_t min_version, const char *how, size_t min_hdr_end, Error **errp);

#endif
