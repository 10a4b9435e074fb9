/*
 * Helpers of the BMI2 bit-scatter/gather insns PDEP and PEXT: they walk
 * the set bits of the mask, which has no short TCG expansion.
 */
#include "translate-internal.h"

/* PDEP: the low bits of src go, in order, to the positions of the set
 * bits of mask; the other result bits are zero. */
uint64_t helper_pdep(uint64_t src, uint64_t mask)
{
    uint64_t res = 0;

    for (uint64_t bit = 1; mask != 0; bit <<= 1) {
        uint64_t low = mask & -mask;

        if (src & bit) {
            res |= low;
        }
        mask &= mask - 1;
    }
    return res;
}

/* PEXT: the bits of src at the set bits of mask, packed from bit 0. */
uint64_t helper_pext(uint64_t src, uint64_t mask)
{
    uint64_t res = 0;

    for (uint64_t bit = 1; mask != 0; bit <<= 1) {
        uint64_t low = mask & -mask;

        if (src & low) {
            res |= bit;
        }
        mask &= mask - 1;
    }
    return res;
}
