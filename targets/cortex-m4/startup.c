/* startup.c: a Cortex-M4F bare-metal start for QEMU's mps2-an386 board (qemu-system-arm -M
   mps2-an386 -semihosting): the vector table, .data and .bss set up, the FPU enabled, the stack
   painted for qnn_stack_used, then main; text and exit through ARM semihosting (bkpt 0xab). */
#include "../target.h"

int main(void);
extern uint32_t __qnn_stack_bottom[], __qnn_stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];

static int semihost(int operation, const void *argument)
{
    register int r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void qnn_target_write(const char *text) { semihost(0x04, text); }  /* SYS_WRITE0 */

void qnn_target_exit(int status)
{
    /* SYS_EXIT: ADP_Stopped_ApplicationExit makes QEMU exit 0, any other reason 1. */
    semihost(0x18, (const void *)(status == 0 ? 0x20026u : 0x20023u));
    for (;;) {
    }
}

void qnn_reset(void)
{
    uint32_t *p, *q, *sp;
    for (p = __data_start, q = __data_load; p < __data_end;)
        *p++ = *q++;
    for (p = __bss_start; p < __bss_end;)
        *p++ = 0u;
    /* CPACR: full access to the coprocessors 10 and 11 (the FPU) before any float instruction. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb\n\tmov %0, sp" : "=r"(sp));
    for (p = __qnn_stack_bottom; p < sp - 4; p++)
        *p = 0x5A5A5A5Au;
    qnn_target_exit(main());
}

__attribute__((section(".vectors"), used)) static void (*const vectors[2])(void) = {
    (void (*)(void))__qnn_stack_top,
    qnn_reset,
};
