#ifndef QUARRY_CPOPPLER_SHIM_H
#define QUARRY_CPOPPLER_SHIM_H
#include <glib.h>
#include <poppler.h>
#endif
