// oneDNN 2.x C API (Debian libdnnl-dev).
#include <dnnl.h>
