/*
 * TranslationBlock: the unit of translated code, owned by accel/tcg.
 * A TB is identified by (pc, cs_base, flags, cflags); pc is the guest
 * linear address of its first instruction. Its guest code spans at most
 * two pages (page_addr[1] == -1 when one).
 */
#ifndef EXEC_TRANSLATION_BLOCK_H
#define EXEC_TRANSLATION_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define TB_PAGE_NONE ((uint64_t)-1)

typedef struct TranslationBlock TranslationBlock;

struct TranslationBlock {
    uint64_t pc;      /* guest linear address of the first instruction */
    uint64_t cs_base; /* code segment base (pc - cs_base = eip) */
    uint32_t flags;   /* target-defined: mode, CPL, ... */
    uint32_t cflags;  /* CF_* */
    uint32_t size;    /* guest bytes covered */
    uint16_t icount;  /* guest instructions */
    bool invalid;     /* unlinked; never entered again */

    const void *tc_ptr; /* translated code */
    uint32_t tc_size;

    uint64_t page_addr[2];          /* guest pages the code came from */
    TranslationBlock *page_next[2]; /* per-page lists */
    TranslationBlock *hash_next;

    /* direct chaining (goto_tb n) */
    uint32_t jmp_insn_offset[2];
    uint32_t jmp_reset_offset[2];
    TranslationBlock *jmp_dest[2];     /* where exit n is chained to */
    TranslationBlock *jmp_list_first;  /* TBs chained to this one ... */
    TranslationBlock *jmp_list_next[2];/* ... linked through their exit n */
    uint8_t jmp_list_first_n;
    uint8_t jmp_list_next_n[2];

    /* restore data: per insn, end offset in tc and insn_start words */
    uint16_t nb_insns;
    uint32_t *insn_end_off;
    uint64_t (*insn_data)[2];

    /* linux-user: the size guest bytes this TB was translated from, kept
     * when they come from a shared mapping (PAGE_SHARED) so the TB can
     * check them when entered; NULL otherwise */
    const uint8_t *guest_copy;
};

/* cflags */
#define CF_COUNT_MASK 0x000001ff /* max insns in the TB, 0 = default */
#define CF_SINGLE_STEP 0x00000200 /* -singlestep / debugging */
#define CF_NO_CHAIN 0x00000400
#define CF_PARALLEL 0x00000800 /* other vCPUs/threads run concurrently */

#endif
