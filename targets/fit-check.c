/* fit-check.c: the smallest program that runs the model `net` once, linked against a part's
   memory map (ch32v003.ld) to learn whether model, code and libraries fit its flash and RAM. */
#include "target.h"
#include "net.h"

#ifdef QNN_FIT_CODES
static const net_code_t input[NET_INPUTS] = { 1u };
int main(void) { return net_predict_codes(input) < 0; }
#else
static const float input[NET_INPUTS] = { 1.0f };
int main(void) { return net_predict(input) < 0; }
#endif
