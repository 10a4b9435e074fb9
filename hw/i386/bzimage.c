/* The bzImage setup header checks shared by the PC's Linux loaders. */
#include "hw/i386/bzimage.h"

#include <string.h>

#include "util/bytes.h"

bool bzimage_has_header(const uint8_t *data, size_t len)
{
    return len >= BZ_HDR_HEADER + 4 && memcmp(data + BZ_HDR_HEADER, "HdrS", 4) == 0;
}

bool bzimage_parse(BzImage *bz, const char *name, const uint8_t *data, size_t len,
                   uint16_t min_version, const char *how, size_t min_hdr_end, Error **errp)
{
    memset(bz, 0, sizeof(*bz));
    if (len < BZ_HDR_VERSION + 2 || ld_le16(data + BZ_HDR_BOOT_FLAG) != 0xaa55) {
        error_setg(errp, "kernel '%s' is corrupt: setup header without the 0xAA55 boot flag", name);
        return false;
    }
    bz->version = ld_le16(data + BZ_HDR_VERSION);
    if (bz->version < min_version) {
        error_setg(errp, "kernel '%s' uses Linux boot protocol %u.%02u; %s needs %u.%02u or later",
                   name, bz->version >> 8, bz->version & 0xff, how, min_version >> 8,
                   min_version & 0xff);
        return false;
    }
    unsigned setup_sects = data[BZ_HDR_SETUP_SECTS] ? data[BZ_HDR_SETUP_SECTS] : 4;
    bz->hdr_end = 0x202 + data[BZ_HDR_JUMP + 1];
    bz->setup_size = (size_t)(setup_sects + 1) * 512;
    if (bz->hdr_end < min_hdr_end || bz->hdr_end > bz->setup_size || bz->setup_size > len) {
        error_setg(errp,
                   "kernel '%s' is truncated or corrupt: bad setup header (end 0x%zx, "
                   "%u setup sectors, file 0x%zx bytes)",
                   name, bz->hdr_end, setup_sects, len);
        return false;
    }
    uint64_t sys_size = (uint64_t)ld_le32(data + BZ_HDR_SYSSIZE) * 16;
    if (sys_size == 0 || sys_size > len - bz->setup_size) {
        error_setg(errp,
                   "kernel '%s' is truncated: the header announces 0x%llx bytes of protected-mode "
                   "kernel after 0x%zx bytes of setup, the file has 0x%zx",
                   name, (unsigned long long)sys_size, bz->setup_size, len);
        return false;
    }
    if (!(data[BZ_HDR_LOADFLAGS] & BZ_LOADFLAG_LOADED_HIGH)) {
        error_setg(errp, "kernel '%s' is a zImage (loaded low); only bzImage is supported", name);
        return false;
    }
    bz->kernel_size = len - bz->setup_size;
    bz->kernel_need = bz->kernel_size;
    if (bz->version >= BZ_PROTOCOL_INIT_SIZE && bz->hdr_end >= BZ_HDR_INIT_SIZE + 4 &&
        ld_le32(data + BZ_HDR_INIT_SIZE) > bz->kernel_need) {
        bz->kernel_need = ld_le32(data + BZ_HDR_INIT_SIZE);
    }
    return true;
}
