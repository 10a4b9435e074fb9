/*
 * Little-endian loads and stores on byte buffers (file formats, guest
 * structures built in host memory), whatever the host's byte order.
 */
#ifndef UTIL_BYTES_H
#define UTIL_BYTES_H

#include <stdint.h>

static inline uint16_t ld_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t ld_le32(const uint8_t *p)
{
    return ld_le16(p) | (uint32_t)ld_le16(p + 2) << 16;
}
static inline uint64_t ld_le64(const uint8_t *p)
{
    return ld_le32(p) | (uint64_t)ld_le32(p + 4) << 32;
}
static inline void st_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void st_le32(uint8_t *p, uint32_t v)
{
    st_le16(p, (uint16_t)v);
    st_le16(p + 2, (uint16_t)(v >> 16));
}
static inline void st_le64(uint8_t *p, uint64_t v)
{
    st_le32(p, (uint32_t)v);
    st_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
