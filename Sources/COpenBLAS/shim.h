#ifndef QUARRY_COPENBLAS_SHIM_H
#define QUARRY_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
