/*
 * The generic translation loop (accel/tcg/translator.c). A target fills a
 * DisasContextBase-derived context and TranslatorOps; the loop emits the
 * TB prologue (the exit_request check), an insn_start per instruction
 * (via ops->insn_start), calls translate_insn until the target sets
 * is_jmp or a limit is reached (max_insns, a page boundary, op budget),
 * then ops->tb_stop.
 */
#ifndef EXEC_TRANSLATOR_H
#define EXEC_TRANSLATOR_H

#include "exec/cpu-exec.h"
#include "tcg/tcg-op.h"

typedef enum DisasJumpType {
    DISAS_NEXT,       /* go on with the next instruction */
    DISAS_TOO_MANY,   /* limit reached: end the TB, continue at pc_next */
    DISAS_NORETURN,   /* the insn ended the TB itself (exception, jump) */
    DISAS_TARGET_0,   /* target-defined endings from here */
    DISAS_TARGET_1,
    DISAS_TARGET_2,
    DISAS_TARGET_3,
    DISAS_TARGET_4,
} DisasJumpType;

typedef struct DisasContextBase {
    TranslationBlock *tb;
    uint64_t pc_first; /* linear pc of the TB's first insn */
    uint64_t pc_next;  /* linear pc of the next insn to translate */
    DisasJumpType is_jmp;
    int num_insns;
    int max_insns;
    bool singlestep_enabled;
} DisasContextBase;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cs);
    void (*tb_start)(DisasContextBase *db, CPUState *cs);
    void (*insn_start)(DisasContextBase *db, CPUState *cs);
    void (*translate_insn)(DisasContextBase *db, CPUState *cs);
    void (*tb_stop)(DisasContextBase *db, CPUState *cs);
} TranslatorOps;

/*
 * exit_request_ofs: offset of CPUState.exit_request from env. The loop
 * reads it at TB start and leaves with TB_EXIT_REQUESTED when set.
 */
void translator_loop(CPUState *cs, TranslationBlock *tb, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db,
                     intptr_t exit_request_ofs);

#endif
