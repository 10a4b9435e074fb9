/*
 * The 512-byte FXSAVE/FXRSTOR image (SDM vol. 1, 10.5.1), built from and
 * loaded into the CPU state; shared by the user-mode and system-mode
 * memory helpers, which differ only in how they reach guest memory.
 * Bytes 416..511 are left alone.
 */
#ifndef TARGET_I386_FX_IMAGE_H
#define TARGET_I386_FX_IMAGE_H

#include <string.h>

#include "translate-internal.h"

#define FX_MXCSR_MASK 0xffff

static inline void fx_st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void fx_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void fx_st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t fx_ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static inline uint32_t fx_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t fx_ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline int fx_nb_xmm(CPUX86State *env)
{
    return (env->hflags & HF_CS64_MASK) ? 16 : 8;
}

/* bytes 0..415 of the image at p */
static inline void fx_image_save(CPUX86State *env, uint8_t *p, uint32_t rex_w)
{
    fx_st16(p + 0, env->fpuc);
    fx_st16(p + 2, x87_get_fsw(env));
    p[4] = x87_get_ftw_abridged(env);
    p[5] = 0;
    fx_st16(p + 6, env->fpop);
    if (rex_w) {
        fx_st64(p + 8, env->fpip);
        fx_st64(p + 16, env->fpdp);
    } else {
        fx_st32(p + 8, env->fpip);
        fx_st16(p + 12, env->fpcs);
        fx_st16(p + 14, 0);
        fx_st32(p + 16, env->fpdp);
        fx_st16(p + 20, env->fpds);
        fx_st16(p + 22, 0);
    }
    fx_st32(p + 24, env->mxcsr);
    fx_st32(p + 28, FX_MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        uint8_t *q = p + 32 + 16 * i;
        fx_st64(q, r->raw.low);
        fx_st16(q + 8, r->raw.high);
        memset(q + 10, 0, 6);
    }
    for (int i = 0; i < fx_nb_xmm(env); i++) {
        memcpy(p + 160 + 16 * i, &env->xmm_regs[i], 16);
    }
}

/* false (nothing loaded) when the image's MXCSR has reserved bits set */
static inline bool fx_image_load(CPUX86State *env, const uint8_t *p, uint32_t rex_w)
{
    uint32_t mxcsr = fx_ld32(p + 24);

    if (mxcsr & ~FX_MXCSR_MASK) {
        return false;
    }
    env->fpuc = fx_ld16(p);
    x87_set_fsw(env, fx_ld16(p + 2));
    x87_set_ftw_abridged(env, p[4]);
    env->fpop = fx_ld16(p + 6) & 0x7ff;
    if (rex_w) {
        env->fpip = fx_ld64(p + 8);
        env->fpdp = fx_ld64(p + 16);
    } else {
        env->fpip = fx_ld32(p + 8);
        env->fpcs = fx_ld16(p + 12);
        env->fpdp = fx_ld32(p + 16);
        env->fpds = fx_ld16(p + 20);
    }
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        const uint8_t *q = p + 32 + 16 * i;
        r->raw.low = fx_ld64(q);
        r->raw.high = fx_ld16(q + 8);
    }
    for (int i = 0; i < fx_nb_xmm(env); i++) {
        memcpy(&env->xmm_regs[i], p + 160 + 16 * i, 16);
    }
    return true;
}

#endif
