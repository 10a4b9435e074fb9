/*
 * The generic translation loop, and guest code fetch at translation time.
 *
 * Every TB starts by checking CPUState.exit_request, so a CPU running in
 * chained TBs still notices signals, kicks and exclusive sections within
 * one TB.
 */
#include <string.h>

#include "internal.h"
#include "exec/translator.h"
#ifdef CONFIG_USER_ONLY
#include "user/page.h"
#endif

__thread sigjmp_buf *translate_fault_jmp;
__thread int translate_insns_done;
static __thread DisasContextBase *translating;
static __thread CPUState *translating_cpu;
#ifdef CONFIG_USER_ONLY
static __thread uint64_t checked_page = 1; /* never a page address */
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
#ifdef CONFIG_USER_ONLY
    checked_page = 1; /* mappings may have changed since the last TB */
#endif

    ops->init_disas_context(db, cs);

    TCGLabel *exit_label = gen_new_label();
    TCGv_i32 req = tcg_temp_ebb_new_i32();
    tcg_gen_ld_i32(req, tcg_ctx->env, exit_request_ofs);
    tcg_gen_brcondi_i32(TCG_COND_NE, req, 0, exit_label);
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
    translating = NULL;
    translating_cpu = NULL;
}

#ifdef CONFIG_USER_ONLY
/* Fail the fetch of [pc, pc+len) unless it is executable guest memory. */
static void translator_check_fetch(uint64_t pc, unsigned len)
{
    uint64_t first = pc & TARGET_PAGE_MASK;
    uint64_t last = (pc + len - 1) & TARGET_PAGE_MASK;

    for (uint64_t page = first;; page += TARGET_PAGE_SIZE) {
        if (page != checked_page) {
            if (!(page_get_flags(page) & PAGE_EXEC)) {
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
        return v;                                                             \
    }
DEF_FETCH(translator_ldub, uint8_t)
DEF_FETCH(translator_lduw, uint16_t)
DEF_FETCH(translator_ldl, uint32_t)
DEF_FETCH(translator_ldq, uint64_t)
#endif
