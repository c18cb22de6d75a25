#pragma once
// What each pass of the decode pipeline does to the pixels and which decoder it runs; the
// pipeline (DecodePipeline.cpp) decides the order, the budget and what counts as read.

#include <vector>

#include "gate/qr/Decode.h"
#include "gate/qr/DecodePipeline.h"
#include "gate/qr/GrayImage.h"
#include "qr/ZbarReader.h"

namespace gate::qr {

/// Buffers and the zbar scanner, reused from frame to frame.
struct DecodePipeline::Workspace {
    GrayImage filtered;
    ZbarReader zbar;
};

/// True when `pass` has anything to do on an image of this size (an enlargement of a large
/// image or a reduction of a small one is skipped).
bool pass_applies(DecodePass pass, GrayView view) noexcept;

/// The codes `pass` reads in `view`, corners in `view`'s pixel coordinates. An invalid view
/// or a decoder failure reads nothing.
std::vector<Decoded> run_pass(DecodePass pass, GrayView view, int max_symbols,
                              DecodePipeline::Workspace& workspace);

}  // namespace gate::qr
