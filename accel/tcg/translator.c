/*
 * The generic translation loop, and guest code fetch at translation time.
 *
 * Every TB starts by checking CPUState.exit_request, so a CPU running in
 * chained TBs still notices signals, kicks and exclusive sections within
 * one TB.
 *
 * linux-user: a TB translated from a shared mapping (PAGE_SHARED) keeps a
 * copy of its guest bytes and starts with a call that compares them with
 * guest memory; on a mismatch the TB is invalidated and left as for an
 * exit request, so the loop translates the new code. Write protection
 * cannot catch a write through another mapping of the same memory (a
 * memfd or file mapped RW and RX), this can. A TB that does not verify
 * never takes code from a shared page: it ends before the insn that would.
 * See docs/linux-user.md.
 */
#include <string.h>

#include "internal.h"
#include "exec/translator.h"
#ifdef CONFIG_USER_ONLY
#include "user/page.h"
#else
#include "exec/cputlb.h"
#endif

__thread sigjmp_buf *translate_fault_jmp;
__thread int translate_insns_done;
__thread uint64_t translate_code_pages[2];
static __thread DisasContextBase *translating;
static __thread CPUState *translating_cpu;
__thread uint8_t translate_code_copy[TRANSLATE_COPY_MAX];
__thread uint32_t translate_code_copy_len;
#ifdef CONFIG_USER_ONLY
static __thread uint64_t checked_page = 1; /* never a page address */
static __thread bool verify_code;          /* the TB being translated checks its bytes */
static __thread bool copy_poisoned;        /* a byte changed between two fetches */
static __thread uint8_t copy_seen[TRANSLATE_COPY_MAX / 8];

static bool page_is_shared(uint64_t addr)
{
    return (page_get_flags(addr) & PAGE_SHARED) != 0;
}

/*
 * Called at the entry of a TB from a shared page: returns 0 when guest
 * memory still holds the bytes the TB was translated from; else drops
 * the TB (it exits at once, and the loop translates the code anew).
 */
static uint32_t helper_tb_verify_code(void *tbp)
{
    TranslationBlock *tb = tbp;

    if (memcmp(g2h(tb->pc), tb->guest_copy, tb->size) == 0) {
        return 0;
    }
    tb_invalidate_phys_range(tb->pc, tb->pc + tb->size);
    return 1;
}
#endif

void translator_loop(CPUState *cs, TranslationBlock *tb, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db, intptr_t exit_request_ofs)
{
    db->tb = tb;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns;
    db->singlestep_enabled = (tb->cflags & CF_SINGLE_STEP) != 0;
    translating = db;
    translating_cpu = cs;
    translate_code_copy_len = 0;
#ifdef CONFIG_USER_ONLY
    checked_page = 1; /* mappings may have changed since the last TB */
    /* the first insn may reach into the next page: look 15 bytes on */
    verify_code = page_is_shared(tb->pc) || page_is_shared(tb->pc + 15);
    copy_poisoned = false;
    if (verify_code) {
        memset(copy_seen, 0, sizeof(copy_seen));
    }
#endif
    translate_code_pages[0] = translate_code_pages[1] = TB_PAGE_NONE;

    ops->init_disas_context(db, cs);

    TCGLabel *exit_label = gen_new_label();
    TCGv_i32 req = tcg_temp_ebb_new_i32();
    tcg_gen_ld_i32(req, tcg_ctx->env, exit_request_ofs);
    tcg_gen_brcondi_i32(TCG_COND_NE, req, 0, exit_label);
#ifdef CONFIG_USER_ONLY
    if (verify_code) {
        tcg_gen_call(helper_tb_verify_code, TCG_CALL_NO_RWG, tcgv32(req),
                     tcgvp(tcg_constant_ptr((intptr_t)tb)));
        tcg_gen_brcondi_i32(TCG_COND_NE, req, 0, exit_label);
    }
#endif
    tcg_temp_free_i32(req);

    ops->tb_start(db, cs);
    for (;;) {
        db->num_insns++;
        ops->insn_start(db, cs);
        ops->translate_insn(db, cs);
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        /* leave room for the longest insn's ops */
        if (db->num_insns >= db->max_insns || tcg_ctx->nb_ops > TCG_MAX_OPS - 1024 ||
            tcg_ctx->nb_temps > TCG_MAX_TEMPS - 128) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cs);

    gen_set_label(exit_label);
    tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);

    tb->size = (uint32_t)(db->pc_next - db->pc_first);
    tb->icount = (uint16_t)db->num_insns;
#ifdef CONFIG_USER_ONLY
    if (verify_code) {
        translate_code_copy_len = tb->size;
        if (copy_poisoned && tb->size) {
            /* another thread changed the code under the translator: make
             * the first entry fail, so it is translated again */
            translate_code_copy[0] ^= 0xff;
        }
    }
#endif
    translating = NULL;
    translating_cpu = NULL;
}

#ifdef CONFIG_USER_ONLY
/* End the TB before the insn being translated: tb_gen_code translates
 * it again with that many insns. */
static _Noreturn void translator_end_before_insn(void)
{
    translate_insns_done = translating->num_insns - 1;
    checked_page = 1;
    siglongjmp(*translate_fault_jmp, 1);
}

/* Keep the bytes fetched for a verifying TB. */
static void translator_capture(uint64_t pc, const void *v, unsigned len)
{
    uint64_t off = pc - translating->pc_first;
    const uint8_t *b = v;

    if (off + len > TRANSLATE_COPY_MAX) {
        /* cannot happen with TBs of at most two pages; stay correct */
        if (translating->num_insns > 1 && translate_fault_jmp) {
            translator_end_before_insn();
        }
        copy_poisoned = true;
        return;
    }
    for (unsigned i = 0; i < len; i++, off++) {
        uint8_t bit = (uint8_t)(1u << (off & 7));
        if (copy_seen[off / 8] & bit) {
            if (translate_code_copy[off] != b[i]) {
                copy_poisoned = true;
            }
            continue;
        }
        copy_seen[off / 8] |= bit;
        translate_code_copy[off] = b[i];
    }
}

/* Fail the fetch of [pc, pc+len) unless it is executable guest memory. */
static void translator_check_fetch(uint64_t pc, unsigned len)
{
    uint64_t first = pc & TARGET_PAGE_MASK;
    uint64_t last = (pc + len - 1) & TARGET_PAGE_MASK;

    for (uint64_t page = first;; page += TARGET_PAGE_SIZE) {
        if (page != checked_page) {
            int flags = page_get_flags(page);
            if ((flags & PAGE_SHARED) && !verify_code && translating &&
                translating->num_insns > 1 && translate_fault_jmp) {
                /* code a write elsewhere can change: not in a TB that
                 * does not check its bytes */
                translator_end_before_insn();
            }
            if (!(flags & PAGE_EXEC)) {
                CPUState *cs = translating_cpu;
                translate_insns_done = translating ? translating->num_insns - 1 : 0;
                checked_page = 1;
                if (translate_insns_done == 0 && cs && cs->cc->record_code_fault) {
                    uint64_t fault = page < pc ? pc : page;
                    cs->cc->record_code_fault(cs, fault);
                }
                if (translate_fault_jmp) {
                    siglongjmp(*translate_fault_jmp, 1);
                }
            }
            checked_page = page;
        }
        if (page == last) {
            break;
        }
    }
}

#define DEF_FETCH(name, type)                                                 \
    type name(CPUState *cs, uint64_t pc)                                      \
    {                                                                         \
        type v;                                                               \
        (void)cs;                                                             \
        translator_check_fetch(pc, sizeof(type));                             \
        memcpy(&v, g2h(pc), sizeof(type));                                    \
        if (verify_code && translating) {                                     \
            translator_capture(pc, &v, sizeof(type));                         \
        }                                                                     \
        return v;                                                             \
    }
DEF_FETCH(translator_ldub, uint8_t)
DEF_FETCH(translator_lduw, uint16_t)
DEF_FETCH(translator_ldl, uint32_t)
DEF_FETCH(translator_ldq, uint64_t)
#else
/*
 * System mode: code comes through the TLB (an instruction-fetch fill),
 * and the TB records the ram_addr of the pages it read, which is what
 * invalidation of overwritten code looks up.
 */
static const uint8_t *translator_fetch_ptr(CPUState *cs, uint64_t pc)
{
    void *host;
    bool probe = translating && translating->num_insns > 1;
    ram_addr_t ra = get_page_addr_code(cs, pc, &host, probe);

    if (ra == RAM_ADDR_INVALID) {
        translate_insns_done = translating ? translating->num_insns - 1 : 0;
        if (translate_insns_done == 0 && cs->cc->record_code_fault) {
            cs->cc->record_code_fault(cs, pc);
        }
        if (translate_fault_jmp) {
            siglongjmp(*translate_fault_jmp, 1);
        }
        return NULL;
    }
    uint64_t page = ra & TARGET_PAGE_MASK;
    if (translate_code_pages[0] == TB_PAGE_NONE) {
        translate_code_pages[0] = page;
    } else if (translate_code_pages[0] != page) {
        translate_code_pages[1] = page;
    }
    return host;
}

#define DEF_FETCH(name, type)                                                 \
    type name(CPUState *cs, uint64_t pc)                                      \
    {                                                                         \
        type v = 0;                                                           \
        for (unsigned i = 0; i < sizeof(type); i++) {                         \
            const uint8_t *p = translator_fetch_ptr(cs, pc + i);              \
            v |= (type)((type)(p ? *p : 0) << (8 * i));                       \
        }                                                                     \
        return v;                                                             \
    }
DEF_FETCH(translator_ldub, uint8_t)
DEF_FETCH(translator_lduw, uint16_t)
DEF_FETCH(translator_ldl, uint32_t)
DEF_FETCH(translator_ldq, uint64_t)
#endif
