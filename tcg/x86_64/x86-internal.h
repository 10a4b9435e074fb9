/*
 * Private interfaces of the x86-64 host backend: the code generation
 * state shared by the register allocator (regalloc.c), the op emitters
 * (tcg-target.c) and the guest memory access emitter (ldst.c).
 *
 * One translation runs at a time (the caller serialises translation), so
 * the generator state is a single static object, x86_gen.
 */
#ifndef TCG_X86_64_X86_INTERNAL_H
#define TCG_X86_64_X86_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "emit.h"
#include "tcg/tcg.h"

#define X86_REG_BIT(r) ((uint16_t)(1u << (r)))

/* env lives in rbp, guest_base (when it does not fit in a disp32) in r14 */
#define X86_AREG0          X86_RBP
#define X86_GUEST_BASE_REG X86_R14

/* Registers the allocator may hand out. */
#define X86_ALLOC_REGS                                                                             \
    ((uint16_t)(0xffff &                                                                           \
                ~(X86_REG_BIT(X86_RSP) | X86_REG_BIT(X86_RBP) | X86_REG_BIT(X86_GUEST_BASE_REG))))
/* Clobbered by a SysV call. */
#define X86_CALL_CLOBBERED                                                                         \
    ((uint16_t)(X86_REG_BIT(X86_RAX) | X86_REG_BIT(X86_RCX) | X86_REG_BIT(X86_RDX) |               \
                X86_REG_BIT(X86_RSI) | X86_REG_BIT(X86_RDI) | X86_REG_BIT(X86_R8) |                \
                X86_REG_BIT(X86_R9) | X86_REG_BIT(X86_R10) | X86_REG_BIT(X86_R11)))
/* Inputs that are only read may also be the env register. */
#define X86_IN_REGS ((uint16_t)(X86_ALLOC_REGS | X86_REG_BIT(X86_AREG0)))

/*
 * Stack frame below the saved registers:
 *   [rsp + 0, 32)                outgoing stack arguments of calls (args 7..10)
 *   [rsp + 32, 32 + 8 * MAX)     one 8-byte slot per temp that needs memory
 *   8 bytes of padding so rsp is 16-byte aligned at calls
 */
#define X86_CALL_STACK_ARGS (TCG_MAX_CALL_IARGS - 6)
#define X86_FRAME_SLOTS_OFS (X86_CALL_STACK_ARGS * 8)
#define X86_FRAME_SIZE      (X86_FRAME_SLOTS_OFS + TCG_MAX_TEMPS * 8 + 8)

/* Host features found with cpuid at init. */
#define X86_FEAT_BMI1   0x01 /* andn, tzcnt */
#define X86_FEAT_BMI2   0x02 /* shlx/shrx/sarx, rorx */
#define X86_FEAT_LZCNT  0x04
#define X86_FEAT_POPCNT 0x08
#define X86_FEAT_MOVBE  0x10
extern unsigned x86_host_features;
/* Tests: the feature set init uses instead of cpuid's (-1: use cpuid). */
extern int x86_force_features;
static inline bool x86_have(unsigned f)
{
    return (x86_host_features & f) != 0;
}

/* Which constants an input accepts as an immediate. */
enum {
    X86_CST_NONE = 0,
    X86_CST_S32 = 1, /* fits in a sign-extended 32-bit immediate (i32 ops: any) */
    X86_CST_ANY = 2, /* the emitter handles every value */
};

typedef struct X86ArgCt {
    uint16_t regs;  /* allowed registers */
    uint8_t cst;    /* X86_CST_* */
    int8_t alias;   /* output: takes the register of this input (-1: none) */
    bool destroyed; /* input: the op overwrites its register */
    bool newreg;    /* output: must not share a register with any input */
    bool mem;       /* input: may be a memory operand (X86_ARG_MEM) when its
                       value is only in memory and dies here */
} X86ArgCt;

#define X86_MAX_IN      6
#define X86_MAX_OUT     2
#define X86_MAX_SCRATCH 2

typedef struct X86OpCt {
    X86ArgCt out[X86_MAX_OUT];
    X86ArgCt in[X86_MAX_IN];
    uint16_t clobber; /* registers the op destroys besides its outputs */
    uint8_t nb_scratch;
    int8_t prefer_in;  /* output 0 would like this input's register (-1: none) */
    bool sync_globals; /* write globals back before the outputs change */
} X86OpCt;

/* X86OpArgs.i[] of an input given as a memory operand [mb + md] */
#define X86_ARG_MEM (-2)

/* The op's arguments after allocation. */
typedef struct X86OpArgs {
    int o[X86_MAX_OUT];     /* output registers */
    int i[X86_MAX_IN];      /* input registers, -1 when an immediate */
    int64_t c[X86_MAX_IN];  /* the immediate value when i[] is -1 */
    int t[X86_MAX_SCRATCH]; /* scratch registers */
    int mb[X86_MAX_IN];     /* memory operand base when i[] is X86_ARG_MEM */
    int32_t md[X86_MAX_IN]; /* and its displacement */
} X86OpArgs;

/* A branch to a label that was not yet placed. */
typedef struct X86Reloc {
    uint32_t ofs; /* offset of the rel32 field */
    TCGLabel *label;
} X86Reloc;

/*
 * Out-of-line code emitted after the block: the misaligned-access fault
 * (user mode) and the softmmu TLB slow paths (see ldst.c).
 */
enum {
    X86_SLOW_ALIGN, /* call tcg_unaligned_access, resume after the test */
    X86_SLOW_LD,    /* call helper_ld_mmu, result to data_reg */
    X86_SLOW_ST,    /* call helper_st_mmu with data_reg (or data_const) */
};

typedef struct X86SlowPath {
    uint32_t jcc_ofs;    /* rel32 field of the branch into the slow path */
    uint32_t ret_ofs;    /* code offset reported as the helper's return address */
    uint32_t resume_ofs; /* where the slow path jumps back to */
    uint32_t oi;
    uint16_t saved; /* call-clobbered registers the stub saves around the call */
    uint8_t kind;   /* X86_SLOW_* */
    int8_t addr_reg;
    int8_t data_reg; /* ld: destination; st: value (-1: data_const) */
    bool is64;       /* ld: the op's type is i64 */
    int64_t data_const;
} X86SlowPath;

#define X86_MAX_RELOCS     TCG_MAX_OPS
#define X86_MAX_SLOW_PATHS TCG_MAX_OPS

typedef struct X86Gen {
    TCGContext *s;
    X86Asm a;
    jmp_buf overflow; /* longjmp target when the buffer runs out */

    TCGTemp *reg_to_temp[16];
    uint32_t reg_use[16]; /* last use tick, for eviction choice */
    uint32_t tick;
    uint16_t locked;    /* registers holding this op's inputs/scratches */
    uint16_t destroyed; /* locked registers the op overwrites */
    int next_slot;      /* next free frame slot */
    bool guest_base_in_reg;
    /* the op being emitted reads, as input 0, a register whose upper 32
     * bits are known to be zero (set by the ext32u fusion in gen_code) */
    bool in_zext;

    X86Reloc relocs[X86_MAX_RELOCS];
    int nb_relocs;
    X86SlowPath slow[X86_MAX_SLOW_PATHS];
    int nb_slow;

    /* value of a temp in TEMP_VAL_CONST state that is not a TEMP_CONST */
    int64_t cval[TCG_MAX_TEMPS];
    /* i64 temps whose current value is known to have bits 63:32 clear
     * (a property of the value, wherever it lives); see ra_zext_set */
    uint8_t zext[TCG_MAX_TEMPS];
} X86Gen;

extern X86Gen x86_gen;
extern uintptr_t x86_tb_ret_addr; /* epilogue entry returning rax */

/* Make sure n more bytes fit, else abandon the block (gen_code returns -1). */
void x86_asm_need(X86Gen *g, size_t n);

/* Byte-swap the low 2^size bytes of v (constant bswapping stores). */
static inline uint64_t x86_bswap_const(uint64_t v, int size)
{
    switch (size) {
    case MO_16:
        return __builtin_bswap16((uint16_t)v);
    case MO_32:
        return __builtin_bswap32((uint32_t)v);
    case MO_64:
        return __builtin_bswap64(v);
    default:
        return (uint8_t)v;
    }
}

/* --- register allocator (regalloc.c) --------------------------------- */
void ra_init_block(X86Gen *g);
bool ra_is_const(X86Gen *g, TCGTemp *ts, int64_t *val);
int ra_temp_in_reg(X86Gen *g, TCGTemp *ts, uint16_t allowed);
void ra_temp_dead(X86Gen *g, TCGTemp *ts);
void ra_temp_sync(X86Gen *g, TCGTemp *ts);
/* Allocate the registers of a generic op; fills args. */
void ra_op_begin(X86Gen *g, const TCGOp *op, const X86OpCt *ct, X86OpArgs *args);
/* After emission: syncs and frees per op->life. */
void ra_op_end(X86Gen *g, const TCGOp *op, const X86OpCt *ct);
void ra_mov(X86Gen *g, const TCGOp *op);
void ra_call(X86Gen *g, const TCGOp *op);
/* Basic-block boundaries. */
void ra_sync_globals(X86Gen *g);
void ra_bb_sync(X86Gen *g); /* before a conditional branch */
void ra_bb_drop(X86Gen *g); /* before a label or an unconditional branch */
/* Memory operand of a temp's slot. */
void ra_temp_mem(X86Gen *g, TCGTemp *ts, int *base, int32_t *disp);
/* Whether ts's value is known to be zero-extended from 32 bits, and
 * recording that (after the op defining it was emitted). */
bool ra_zext(X86Gen *g, TCGTemp *ts);
void ra_zext_set(X86Gen *g, TCGTemp *ts, bool z);

/* --- emission helpers (tcg-target.c) --------------------------------- */
void x86_emit_call(X86Gen *g, uintptr_t func);
void x86_emit_jcc_label(X86Gen *g, int cc, TCGLabel *l);

/* --- guest memory (ldst.c) -------------------------------------------- */
void x86_ldst_constraints(X86Gen *g, const TCGOp *op, X86OpCt *ct);
void x86_emit_qemu_ld(X86Gen *g, const TCGOp *op, const X86OpArgs *args);
void x86_emit_qemu_st(X86Gen *g, const TCGOp *op, const X86OpArgs *args);
void x86_emit_slow_paths(X86Gen *g);

#endif
