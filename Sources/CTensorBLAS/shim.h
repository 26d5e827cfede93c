// OpenBLAS CBLAS interface (Debian libopenblas-openmp-dev: OpenMP threads, the same runtime as oneDNN).
#include <cblas.h>
