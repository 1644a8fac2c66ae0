# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer harnesses with clang (the main build uses gcc).
# Called by run.sh: make -f fuzz.mk SRC=<repo> OUT=<dir> CC=<clang>
# The analyzer sources are compiled once with coverage instrumentation and
# ASan+UBSan into one archive; each harness links it with -fsanitize=fuzzer.
HARNESSES := fuzz_sip_parser fuzz_sip_stream fuzz_packet_path fuzz_capture_file fuzz_engine fuzz_json \
	fuzz_ws_stream fuzz_sctp fuzz_hep
LAYERS := common capture net sip flow report

LIB_SRCS := $(foreach l,$(LAYERS),$(wildcard $(SRC)/analyzer/src/$(l)/*.c))
LIB_OBJS := $(patsubst $(SRC)/analyzer/src/%.c,$(OUT)/obj/%.o,$(LIB_SRCS))
# run.sh builds the objects first with make -k; with PARTIAL=1 the archive
# takes the objects that compiled (a half-written file of another module
# must not stop fuzzing the rest; a harness that needs it fails to link).
ifeq ($(PARTIAL),1)
ARCHIVE_OBJS := $(wildcard $(LIB_OBJS))
else
ARCHIVE_OBJS := $(LIB_OBJS)
endif

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_COMMON := -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-I$(SRC)/analyzer/include $(shell pkg-config --cflags glib-2.0 libpcap zlib) $(SAN)
# The analyzer is written against gcc's -Werror; clang's warnings are not a
# gate here (the normal build is), so only the harnesses use -Werror.
LIB_CFLAGS := $(CFLAGS_COMMON) -fsanitize=fuzzer-no-link -w
HARNESS_CFLAGS := $(CFLAGS_COMMON) -fsanitize=fuzzer -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wvla -I$(SRC)/analyzer/src/capture
LIBS := $(shell pkg-config --libs glib-2.0 libpcap zlib) -lm

all: $(addprefix $(OUT)/,$(HARNESSES))

$(OUT)/obj/%.o: $(SRC)/analyzer/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@ || { rm -f $@; exit 1; }

objs: $(LIB_OBJS)

$(OUT)/libsipflow_fuzz.a: $(ARCHIVE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(OUT)/%: $(SRC)/tests/fuzz/%.c $(SRC)/tests/fuzz/fuzz_common.h $(OUT)/libsipflow_fuzz.a
	$(CC) $(HARNESS_CFLAGS) -MMD -MP $< $(OUT)/libsipflow_fuzz.a $(LIBS) -o $@

-include $(LIB_OBJS:.o=.d) $(addprefix $(OUT)/,$(HARNESSES:=.d))

.PHONY: all objs
