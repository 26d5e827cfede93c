// libpng 1.6 and libjpeg-turbo's TurboJPEG API (Debian libpng-dev, libturbojpeg0-dev).
#include <png.h>
#include <turbojpeg.h>
