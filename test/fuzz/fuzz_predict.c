/* libFuzzer target: the prediction engine under any sequence of keys,
 * server screen changes, frames with any echo ack and resizes (see
 * predict_script.h). Aborts if the engine crashes or if, once every key is
 * acknowledged, the screen shown differs from the server's. */
#include <stdlib.h>

#include "test/fuzz/predict_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!run_predict_script(data, size))
		abort();
	return 0;
}
