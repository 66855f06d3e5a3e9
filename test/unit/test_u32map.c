/* The receiver-index map against a plain array, through many puts and removes. */
#include <stdlib.h>

#include "core/u32map.h"
#include "test/unit/unit.h"

#define KEYS 5000

TEST(puts_gets_and_removes_agree_with_an_array)
{
	static uint32_t keys[KEYS];
	static bool present[KEYS];
	struct u32map m;
	uint32_t state = 12345;
	int wrong = 0;

	u32map_init(&m);
	for (int i = 0; i < KEYS; i++) {
		state = state * 1103515245u + 12345u;
		keys[i] = (state >> 8) % 4000 + 1;	/* small range: collisions and duplicates */
	}
	for (int round = 0; round < 20000; round++) {
		state = state * 1103515245u + 12345u;
		int i = (int)((state >> 8) % KEYS);
		if ((state >> 4) & 1) {
			EXPECT(u32map_put(&m, keys[i], &keys[i]));
			for (int j = 0; j < KEYS; j++)
				if (keys[j] == keys[i])
					present[j] = j == i;
		} else {
			u32map_remove(&m, keys[i]);
			for (int j = 0; j < KEYS; j++)
				if (keys[j] == keys[i])
					present[j] = false;
		}
	}
	for (int i = 0; i < KEYS; i++) {
		void *got = u32map_get(&m, keys[i]);
		bool any = false;
		for (int j = 0; j < KEYS; j++)
			if (keys[j] == keys[i] && present[j]) {
				any = true;
				wrong += got != &keys[j];
			}
		wrong += !any && got != NULL;
	}
	EXPECT_INT(wrong, 0);
	EXPECT(u32map_get(&m, 0) == NULL);
	EXPECT(!u32map_put(&m, 0, &m));
	u32map_free(&m);
}

int main(void)
{
	RUN(puts_gets_and_removes_agree_with_an_array);
	return unit_exit_status();
}
