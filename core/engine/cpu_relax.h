#pragma once
// One step of a short busy wait (the generator lease and lockstep spin briefly before they sleep,
// since waking a sleeping thread costs more than the wait): tells the CPU this is a spin loop.

namespace stepwise {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace stepwise
