/*
 * Print the CPUID features (from the list in common.h) this CPU reports,
 * space-separated on one line. The test script runs it natively and under
 * tern and gives the other programs the intersection as TCG_FEATURES.
 */
#include "common.h"

int main(void)
{
    const char *sep = "";

    for (size_t i = 0; i < TCG_NFEATURES; i++) {
        if (cpuid_has(&tcg_features[i])) {
            printf("%s%s", sep, tcg_features[i].name);
            sep = " ";
        }
    }
    printf("\n");
    return 0;
}
