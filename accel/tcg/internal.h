/*
 * Private to accel/tcg: the TB cache (tb-maint.c) and code generation
 * (translate-all.c) as the execution loop (cpu-exec.c) uses them.
 *
 * Locking: tb_lock serialises translation, insertion, chaining and
 * invalidation. Lookups (tb_htable_lookup) take no lock: TBs are published
 * into the hash with release stores and never freed except by tb_flush,
 * which runs with every other CPU outside cpu_exec.
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "exec/cpu-exec.h"

void tb_lock(void);
void tb_unlock(void);
bool tb_lock_held(void);

/* tb-maint.c */
void tb_maint_init(void);
/* phys_page: system mode, the ram_addr page of pc (the same virtual pc
 * may map other code); TB_PAGE_NONE in linux-user */
TranslationBlock *tb_htable_lookup(uint64_t pc, uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags, uint64_t phys_page);
void tb_htable_insert(TranslationBlock *tb);
void tb_link_pages(TranslationBlock *tb);
void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to);
void tb_maint_reset(void); /* forget every TB: part of tb_flush */
extern uint32_t tb_flush_count;

/* translate-all.c */
TranslationBlock *tb_gen_code(CPUState *cs, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags);
void tb_flush_locked_exclusive(void);
extern const TCGBackend *tcg_backend;

/* translator.c: the guest fetch that failed while translating */
extern __thread sigjmp_buf *translate_fault_jmp;
extern __thread int translate_insns_done;
/* translator.c, linux-user: the guest bytes of the TB just translated
 * when it must verify them at entry (translate_code_copy_len > 0) */
#define TRANSLATE_COPY_MAX 8192
extern __thread uint8_t translate_code_copy[TRANSLATE_COPY_MAX];
extern __thread uint32_t translate_code_copy_len;
/* system mode: ram_addr of the code pages the TB being translated read */
extern __thread uint64_t translate_code_pages[2];

/* cpu-exec.c */
void cpu_exec_register(CPUState *cs);
void tb_jmp_cache_clear(CPUState *cs);

static inline uint32_t tb_jmp_cache_hash(uint64_t pc)
{
    return (uint32_t)((pc >> 2) ^ (pc >> (2 + TB_JMP_CACHE_BITS))) & (TB_JMP_CACHE_SIZE - 1);
}

#endif
