/*
 * The IR optimizer (placeholder: no transformations yet).
 */
#include "tcg/tcg.h"

void tcg_optimize(TCGContext *s)
{
}
