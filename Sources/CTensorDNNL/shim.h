// oneDNN 2.x C API (Debian libdnnl-dev).
#include <dnnl.h>
#include <dnnl_debug.h>

// DNNL_MEMORY_ALLOCATE is a cast macro, which Swift does not import: "let the library allocate".
static inline void *wsol_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
