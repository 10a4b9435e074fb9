/*
 * The TCG intermediate representation.
 *
 * A translator emits ops into the single global TCGContext (tcg_ctx) for
 * one translation block at a time; tcg_gen_code() then runs liveness, the
 * optimizer and a backend (x86-64 host code or the TCI bytecode
 * interpreter) to produce code for the block. Translation is serialised by
 * the caller (accel/tcg holds the translation lock), so the context needs
 * no locking of its own.
 *
 * Temps: globals (backed by a field of the CPU state, addressed relative to
 * the env pointer) and the fixed env temp live for the whole context; TB
 * temps live until the end of the TB; EBB temps die at the next label or
 * branch; constant temps are interned per TB. Handles (TCGv_i32, TCGv_i64,
 * TCGv_ptr) are typed pointers to the TCGTemp.
 */
#ifndef TCG_TCG_H
#define TCG_TCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t TCGArg;

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
} TCGType;
#define TCG_TYPE_PTR TCG_TYPE_I64

typedef enum TCGTempKind {
    TEMP_EBB,    /* dead at the end of the extended basic block */
    TEMP_TB,     /* live across branches, dead at the end of the TB */
    TEMP_GLOBAL, /* backed by env + mem_offset */
    TEMP_FIXED,  /* pinned in a host register / interpreter slot: env */
    TEMP_CONST,  /* a constant; val holds it */
} TCGTempKind;

/* Where a temp's value currently is, for the register allocator. */
typedef enum TCGTempVal {
    TEMP_VAL_DEAD,
    TEMP_VAL_REG,
    TEMP_VAL_MEM,
    TEMP_VAL_CONST,
} TCGTempVal;

typedef struct TCGTemp {
    TCGType type;
    TCGTempKind kind;
    /* TEMP_CONST: the value; an i32 constant is kept sign-extended */
    int64_t val;
    /* TEMP_GLOBAL: offset from env; others: frame slot once allocated */
    intptr_t mem_offset;
    const char *name; /* globals and env, for dumps */
    bool temp_allocated; /* in use (EBB/TB temps are recycled) */

    /* register allocator state, owned by the backend during gen_code */
    TCGTempVal val_type;
    int8_t reg;
    bool mem_coherent;  /* the memory slot holds the current value */
    bool mem_allocated; /* a frame slot has been assigned */
    uintptr_t state;    /* scratch for passes (liveness, optimizer) */
    void *state_ptr;
} TCGTemp;

/* Handles: typed pointers to temps; never dereferenced as such. */
typedef struct TCGv_i32_d *TCGv_i32;
typedef struct TCGv_i64_d *TCGv_i64;
typedef struct TCGv_ptr_d *TCGv_ptr;
typedef TCGv_i64 TCGv; /* the guest's word: x86-64 */

static inline TCGTemp *tcgv_i32_temp(TCGv_i32 v) { return (TCGTemp *)v; }
static inline TCGTemp *tcgv_i64_temp(TCGv_i64 v) { return (TCGTemp *)v; }
static inline TCGTemp *tcgv_ptr_temp(TCGv_ptr v) { return (TCGTemp *)v; }
static inline TCGv_i32 temp_tcgv_i32(TCGTemp *t) { return (TCGv_i32)t; }
static inline TCGv_i64 temp_tcgv_i64(TCGTemp *t) { return (TCGv_i64)t; }
static inline TCGv_ptr temp_tcgv_ptr(TCGTemp *t) { return (TCGv_ptr)t; }

typedef enum TCGCond {
    TCG_COND_NEVER,
    TCG_COND_ALWAYS,
    TCG_COND_EQ,
    TCG_COND_NE,
    TCG_COND_LT, /* signed */
    TCG_COND_GE,
    TCG_COND_LE,
    TCG_COND_GT,
    TCG_COND_LTU, /* unsigned */
    TCG_COND_GEU,
    TCG_COND_LEU,
    TCG_COND_GTU,
    TCG_COND_TSTEQ, /* (a & b) == 0 */
    TCG_COND_TSTNE, /* (a & b) != 0 */
} TCGCond;

TCGCond tcg_invert_cond(TCGCond c); /* !(a c b) == (a inv(c) b) */
TCGCond tcg_swap_cond(TCGCond c);   /* (a c b) == (b swap(c) a) */
bool tcg_eval_cond(TCGCond c, TCGType type, uint64_t a, uint64_t b);

/* Guest memory access description. */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_128 = 4, /* only for helpers; qemu_ld/st take at most MO_64 */
    MO_SIZE = 7,
    MO_SIGN = 8,   /* sign-extend a load */
    MO_BSWAP = 16, /* big-endian access (x86 guests use this for MOVBE) */
    MO_ALIGN = 32, /* fault unless naturally aligned */
    /*
     * An alignment requirement independent of the access size: fault
     * unless addr is a multiple of 2^(3 + field), for accesses that are
     * part of a bigger aligned operand (the first 8-byte half of a 16-byte
     * SSE operand carries MO_ALIGN_16). With MO_ALIGN as well, the larger
     * requirement applies. memop_align_bits() gives the combined one.
     */
    MO_ASHIFT = 6,
    MO_AMASK = 3 << MO_ASHIFT,
    MO_ALIGN_16 = 1 << MO_ASHIFT,
    MO_ALIGN_32 = 2 << MO_ASHIFT,
    MO_ALIGN_64 = 3 << MO_ASHIFT,

    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
} MemOp;

/* log2 of the alignment op requires of the address (0: none). */
static inline unsigned memop_align_bits(MemOp op)
{
    unsigned a = (op & MO_AMASK) ? 3 + ((op & MO_AMASK) >> MO_ASHIFT) : 0;
    unsigned n = (op & MO_ALIGN) ? (unsigned)(op & MO_SIZE) : 0;
    return a > n ? a : n;
}

typedef uint32_t MemOpIdx;
static inline MemOpIdx make_memop_idx(MemOp op, unsigned mmu_idx)
{
    return (uint32_t)op | (mmu_idx << 8);
}
static inline MemOp get_memop(MemOpIdx oi) { return (MemOp)(oi & 0xff); }
static inline unsigned get_mmuidx(MemOpIdx oi) { return oi >> 8; }

/* mb arguments */
#define TCG_MO_ALL 0x0f
#define TCG_BAR_SC 0x30

/* Helper call flags. Without them a call may read and write globals and
 * raise guest exceptions, so globals are synced to env before it and
 * reloaded after. */
#define TCG_CALL_NO_READ_GLOBALS 0x1
#define TCG_CALL_NO_WRITE_GLOBALS 0x2
#define TCG_CALL_NO_SIDE_EFFECTS 0x4 /* may be removed when unused */
#define TCG_CALL_NO_RWG (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_RWG_SE (TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS)
#define TCG_CALL_NO_WG TCG_CALL_NO_WRITE_GLOBALS

#define TCG_INSN_START_WORDS 2

#define TCG_OPF_BB_END 0x01        /* ends a basic block */
#define TCG_OPF_BB_EXIT 0x02       /* leaves the TB */
#define TCG_OPF_SIDE_EFFECTS 0x04  /* never removed as dead */
#define TCG_OPF_CALL_CLOBBER 0x08  /* clobbers call-clobbered registers */
#define TCG_OPF_NOT_PRESENT 0x10   /* handled by the generic code, not the backend */
#define TCG_OPF_COND_BRANCH 0x20

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "tcg/tcg-opc.h"
#undef DEF
    NB_OPS
} TCGOpcode;

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} TCGOpDef;
extern const TCGOpDef tcg_op_defs[NB_OPS];

#define TCG_MAX_OP_ARGS 16
#define TCG_MAX_CALL_IARGS 10

typedef struct TCGOp {
    uint16_t opc;
    uint8_t type;  /* TCGType of the operation */
    uint8_t callo; /* call: number of outputs (0 or 1) */
    uint8_t calli; /* call: number of inputs */
    /* liveness result: DEAD_ARG(n) set if arg n dies here,
     * SYNC_ARG(n) set if output n must also be written to memory */
    uint32_t life;
    TCGArg args[TCG_MAX_OP_ARGS];
} TCGOp;

#define DEAD_ARG(n) (1u << (n))
#define SYNC_ARG(n) (1u << ((n) + 16))
#define IS_DEAD_ARG(op, n) (((op)->life & DEAD_ARG(n)) != 0)
#define NEED_SYNC_ARG(op, n) (((op)->life & SYNC_ARG(n)) != 0)

static inline int tcg_op_nb_oargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->callo : tcg_op_defs[op->opc].nb_oargs;
}
static inline int tcg_op_nb_iargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->calli : tcg_op_defs[op->opc].nb_iargs;
}
static inline int tcg_op_nb_cargs(const TCGOp *op)
{
    return tcg_op_defs[op->opc].nb_cargs;
}
static inline TCGTemp *arg_temp(TCGArg a) { return (TCGTemp *)(uintptr_t)a; }
static inline TCGArg temp_arg(TCGTemp *t) { return (TCGArg)(uintptr_t)t; }

typedef struct TCGLabel {
    int id;
    bool present;    /* set_label has been emitted for it */
    bool has_value;  /* backend: its code offset is known */
    uintptr_t value; /* backend: host address (or bytecode offset) */
    int refs;        /* number of branches to it, for the optimizer */
    void *relocs;    /* backend: pending fix-ups */
} TCGLabel;
/* A label is passed in op args as its pointer. */
static inline TCGLabel *arg_label(TCGArg a) { return (TCGLabel *)(uintptr_t)a; }
static inline TCGArg label_arg(TCGLabel *l) { return (TCGArg)(uintptr_t)l; }

#define TCG_MAX_TEMPS 1024
#define TCG_MAX_OPS 8192
#define TCG_MAX_LABELS 512
#define TCG_MAX_INSNS 512

typedef struct TCGContext TCGContext;

/* What gen_code produced beyond the code itself. */
typedef struct TCGGenResult {
    /* goto_tb n: offset of the patchable jump field and of the
     * instruction after the jump (where an unchained jump lands) */
    uint32_t jmp_insn_offset[2];
    uint32_t jmp_reset_offset[2];
    /* per guest instruction: code offset just past its last host insn */
    uint32_t insn_end_off[TCG_MAX_INSNS];
    uint64_t insn_data[TCG_MAX_INSNS][TCG_INSN_START_WORDS];
    int nb_insns;
} TCGGenResult;

/*
 * A code generator. gen_code turns the context's ops into code at buf and
 * returns its size in bytes, or -1 if buf_size was not enough (the caller
 * flushes the code cache and retries). exec runs code produced by gen_code
 * with env as the CPU state and returns the exit_tb value. set_jmp_target
 * points the goto_tb site at jmp_addr (code start + jmp_insn_offset[n]) to
 * target (the start of another block's code, or back to its own reset
 * address). prologue_size is what init reserved at the start of the buffer.
 */
typedef struct TCGBackend {
    const char *name;
    size_t (*init)(TCGContext *s, void *buf, size_t buf_size);
    int (*gen_code)(TCGContext *s, void *buf, size_t buf_size, TCGGenResult *res);
    uintptr_t (*exec)(void *env, const void *code);
    void (*set_jmp_target)(uintptr_t jmp_addr, uintptr_t target);
    /*
     * Map the host pc of a fault or of a helper's return address
     * (GETPC()) to an address in generated code strictly after the start
     * of the guest insn's code and at most at its end, so that the insn is
     * the first whose start + insn_end_off > (result - 1). The x86-64
     * backend returns host_pc; TCI returns the position of the op it is
     * executing (kept per thread), since host_pc is then in the
     * interpreter.
     */
    uintptr_t (*unwind_pc)(uintptr_t host_pc);
    /* whether the code buffer must be executable */
    bool needs_exec_memory;
} TCGBackend;

extern const TCGBackend tcg_backend_x86_64;
extern const TCGBackend tcg_backend_tci;

/*
 * Raised by generated code (or TCI) when a qemu_ld/st with MO_ALIGN (or an
 * MO_AMASK requirement) is misaligned: raises the guest fault (leaving the
 * generated code) or, for a target without alignment faults, returns and
 * the access is done anyway.
 * Implemented by accel/tcg; retaddr is a host pc inside the faulting guest
 * insn's code (a "return address" for backend->unwind_pc).
 */
void tcg_unaligned_access(void *env, uint64_t addr, uint32_t oi, uintptr_t retaddr);

struct TCGContext {
    const TCGBackend *backend;

    int nb_globals; /* temps[0, nb_globals) are globals and env */
    int nb_temps;
    TCGTemp temps[TCG_MAX_TEMPS];

    TCGOp *ops; /* array of max_ops */
    int nb_ops;
    TCGLabel *labels;
    int nb_labels;
    int nb_insn_starts;
    bool overflow; /* too many ops/temps/labels: the translator must
                      end the TB earlier (checked by tcg_gen_code) */

    TCGv_ptr env; /* the fixed env temp */
    /* linux-user: guest address + guest_base = host address */
    uintptr_t guest_base;
    /* code buffer: prologue at code_gen_buffer, blocks after it */
    void *code_gen_buffer;
    size_t code_gen_buffer_size;
    size_t prologue_size;
    /* set by backend init: what goto_ptr jumps to for "no TB": leaves
     * exec() returning 0 (helper_lookup_tb_ptr returns it) */
    const void *code_gen_epilogue;
    /* set when the optimizer should be skipped (tests, debugging) */
    bool no_optimize;
    /*
     * System mode: qemu_ld/st go through the softmmu TLB (exec/cputlb.h)
     * instead of guest_base: an inline compare of the tag of the entry for
     * (addr, mmu_idx) — the CPUTLBDescFast of mmu_idx is at
     * env + tlb_fast_ofs + mmu_idx * sizeof(CPUTLBDescFast) — or simply a
     * call of helper_ld_mmu / helper_st_mmu with the host return
     * address (for unwinding) as the last argument.
     */
    bool softmmu;
    intptr_t tlb_fast_ofs;
};

extern TCGContext *tcg_ctx;

/* Set up the global context with a backend and a code buffer. */
void tcg_context_init(const TCGBackend *backend, void *code_buf, size_t size);
/* Forget all ops, labels, TB and EBB temps: start a new TB. */
void tcg_func_start(TCGContext *s);

TCGv_i32 tcg_global_mem_new_i32(TCGv_ptr base, intptr_t offset, const char *name);
TCGv_i64 tcg_global_mem_new_i64(TCGv_ptr base, intptr_t offset, const char *name);
TCGv_ptr tcg_global_mem_new_ptr(TCGv_ptr base, intptr_t offset, const char *name);

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind);
TCGTemp *tcg_constant_internal(TCGType type, int64_t val);
void tcg_temp_free_internal(TCGTemp *t);

static inline TCGv_i32 tcg_temp_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB));
}
static inline TCGv_i64 tcg_temp_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_TB));
}
static inline TCGv_ptr tcg_temp_new_ptr(void)
{
    return temp_tcgv_ptr(tcg_temp_new_internal(TCG_TYPE_PTR, TEMP_TB));
}
/* EBB temps: cheaper, but dead after the next label or branch */
static inline TCGv_i32 tcg_temp_ebb_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_EBB));
}
static inline TCGv_i64 tcg_temp_ebb_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_EBB));
}
static inline void tcg_temp_free_i32(TCGv_i32 v) { tcg_temp_free_internal(tcgv_i32_temp(v)); }
static inline void tcg_temp_free_i64(TCGv_i64 v) { tcg_temp_free_internal(tcgv_i64_temp(v)); }
static inline void tcg_temp_free_ptr(TCGv_ptr v) { tcg_temp_free_internal(tcgv_ptr_temp(v)); }

static inline TCGv_i32 tcg_constant_i32(int32_t v)
{
    return temp_tcgv_i32(tcg_constant_internal(TCG_TYPE_I32, v));
}
static inline TCGv_i64 tcg_constant_i64(int64_t v)
{
    return temp_tcgv_i64(tcg_constant_internal(TCG_TYPE_I64, v));
}
static inline TCGv_ptr tcg_constant_ptr(intptr_t v)
{
    return temp_tcgv_ptr(tcg_constant_internal(TCG_TYPE_PTR, v));
}

TCGLabel *gen_new_label(void);

/* Append an op; returns it so the caller can fill args. */
TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs);

/*
 * Compile the ops of the current TB: liveness, optimizer (unless
 * no_optimize), backend. Returns the code size or -1 (buffer too small),
 * -2 (the TB overflowed the context's limits: translate fewer insns).
 */
int tcg_gen_code(TCGContext *s, void *buf, size_t buf_size, TCGGenResult *res);

/* Passes (tcg/liveness.c, tcg/optimize.c). */
void tcg_liveness_analysis(TCGContext *s);
void tcg_optimize(TCGContext *s);

/* Dump the op list (the -d op / op_opt formats). */
void tcg_dump_ops(TCGContext *s, FILE *f);
const char *tcg_temp_name(TCGContext *s, TCGTemp *t, char *buf, size_t size);
const char *tcg_cond_name(TCGCond c);
int tcg_temp_index(TCGContext *s, TCGTemp *t);

/* The softmmu slow paths (accel/tcg/cputlb.c): the loaded value is zero-
 * or sign-extended to 64 bits as the MemOp of oi says. */
uint64_t helper_ld_mmu(void *env, uint64_t addr, uint32_t oi, uintptr_t retaddr);
void helper_st_mmu(void *env, uint64_t addr, uint64_t val, uint32_t oi, uintptr_t retaddr);

/* Exit codes combined with a TB pointer in the exit_tb value. */
#define TB_EXIT_MASK 3
#define TB_EXIT_IDX0 0
#define TB_EXIT_IDX1 1
#define TB_EXIT_REQUESTED 3

#endif
