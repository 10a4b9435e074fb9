/*
 * Reference semantics of the pure IR ops, on constant values.
 *
 * Used by the optimizer for constant folding and by tests (and the TCI
 * backend, if it wants) as the definition of what each op computes.
 * Implemented in tcg/tcg-eval.c.
 */
#ifndef TCG_TCG_EVAL_H
#define TCG_TCG_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/tcg.h"

/*
 * Evaluate op opc of width type (the op's TCGOp.type) on constant inputs.
 * in[] holds the nb_iargs input values in op argument order (for an i32
 * input only the low 32 bits matter); cargs[] the op's constant args in
 * order (the condition of setcond/movcond, ofs and len of deposit/extract);
 * out[] receives the nb_oargs results, an i32 result sign-extended to 64
 * bits (the form constants are kept in). Returns false, leaving out[]
 * untouched, for ops that are not pure computations (loads, stores,
 * calls, control flow) and for inputs without a defined result: division
 * or remainder by zero or of the most negative value by -1, and
 * deposit/extract fields outside the width.
 */
bool tcg_op_eval(TCGOpcode opc, TCGType type, const uint64_t *in, const TCGArg *cargs,
                 uint64_t *out);

/* Whether tcg_op_eval knows opc (for some inputs). */
bool tcg_op_is_foldable(TCGOpcode opc);

/* Normalise v to how a constant of that type is stored (i32: sign-extended). */
static inline uint64_t tcg_canon_value(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

#endif
