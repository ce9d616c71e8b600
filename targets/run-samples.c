/* run-samples.c: the bare-metal test program. It runs the model `net` (net.h, exported with
   --prefix net) over the samples compiled into the image (samples.h, written by the test) and
   prints, a line per sample, the class from the input codes and the class from the raw
   features, where the image holds them ("-" where not). Then "stack N", the bytes of stack ever
   used. The first sample's prediction runs once more between the instruction markers, after an
   empty pair of markers that measures their own cost; built with -DQNN_COUNT_ONLY, that is all
   it runs (count-instructions.sh traces every instruction, so the program must be short). */
#include "target.h"
#include "net.h"
#include "samples.h"

#ifdef QNN_SAMPLE_CODES
static net_code_t codes[NET_INPUTS];

static void load_codes(int32_t s)
{
    int32_t i;
    for (i = 0; i < NET_INPUTS; i++)
        codes[i] = (net_code_t)qnn_sample_codes[s][i];
}
#endif

int main(void)
{
#ifndef QNN_COUNT_ONLY
    int32_t s;
    for (s = 0; s < QNN_SAMPLES; s++) {
#ifdef QNN_SAMPLE_CODES
        load_codes(s);
        qnn_target_int(net_predict_codes(codes));
#else
        qnn_target_write("-");
#endif
        qnn_target_write(" ");
#ifdef QNN_SAMPLE_FLOATS
        qnn_target_int(net_predict(qnn_sample_floats[s]));
#else
        qnn_target_write("-");
#endif
        qnn_target_write("\n");
    }
#endif
    qnn_mark_begin();
    qnn_mark_end();
#ifdef QNN_SAMPLE_CODES
    load_codes(0);
    qnn_mark_begin();
    (void)net_predict_codes(codes);
    qnn_mark_end();
#else
    qnn_mark_begin();
    (void)net_predict(qnn_sample_floats[0]);
    qnn_mark_end();
#endif
    qnn_target_write("stack ");
    qnn_target_int((int32_t)qnn_stack_used());
    qnn_target_write("\n");
    return 0;
}
