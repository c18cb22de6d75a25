// The decode pipeline: the plain pass first and alone when it reads, fallbacks that read what
// it misses, the acceptance predicate, the budget, the rotation across frames and the hint.
// No assertion here is about time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "QrScenes.h"
#include "QrTestImages.h"
#include "gate/qr/DecodePipeline.h"
#include "gate/qr/Render.h"

using namespace gate::qr;

namespace {

// Every pass, no budget limit, no rotation: what the passes can do, frame by frame the same.
PipelineOptions everything() {
    return {.budget = 64, .time_guard = false, .rotate_fallbacks = false};
}

GrayImage code_image(const std::string& text, int module_px = 4) {
    auto code = render(text, {.module_px = module_px});
    REQUIRE(code.ok());
    return std::move(code->image);
}

bool plain_reads(const qr_test::Scene& scene) {
    DecodePipeline plain({.passes = {DecodePass::Plain}});
    auto got = plain.read(scene.image.view());
    REQUIRE(got.ok());
    return got->accepted && got->accepted->text == scene.text;
}

}  // namespace

TEST_CASE("a code the plain pass reads costs one plain pass and nothing more") {
    const auto image = code_image(qr_test::scene_text(3));
    DecodePipeline pipeline;
    auto got = pipeline.read(image.view());
    REQUIRE(got.ok());
    REQUIRE(got->accepted);
    CHECK(got->accepted->text == qr_test::scene_text(3));
    CHECK(got->accepted_by == DecodePass::Plain);
    CHECK(got->passes_run == 1);
    CHECK(got->cost == 1.0);
    CHECK_FALSE(got->budget_spent);
    CHECK(pipeline.stats()[0].runs == 1);
    CHECK(pipeline.stats()[0].accepted == 1);
}

TEST_CASE("the fallback passes read the generated hard scenes that the plain pass misses") {
    int plain_missed = 0;
    for (const auto& scene : qr_test::all_scenes()) {
        CAPTURE(scene.name);
        if (!plain_reads(scene)) ++plain_missed;
        DecodePipeline pipeline(everything());
        auto got = pipeline.read(scene.image.view());
        REQUIRE(got.ok());
        REQUIRE(got->accepted);
        CHECK(got->accepted->text == scene.text);
    }
    // The scenes are there because the plain pass alone fails them.
    CHECK(plain_missed >= 12);
}

TEST_CASE("each kind of scene needs the pass made for it") {
    struct Case {
        qr_test::Scene scene;
        DecodePass pass;
    };
    for (auto& c : std::vector<Case>{{qr_test::inverted(1), DecodePass::Inverted},
                                     {qr_test::low_contrast(1), DecodePass::LocalContrast},
                                     {qr_test::blur(2), DecodePass::Sharpened},
                                     {qr_test::small_symbol(1), DecodePass::Sharpened},
                                     {qr_test::screen_moire(1), DecodePass::Upscaled}}) {
        CAPTURE(c.scene.name);
        CHECK_FALSE(plain_reads(c.scene));
        DecodePipeline alone({.passes = {c.pass}, .budget = 64, .time_guard = false});
        auto got = alone.read(c.scene.image.view());
        REQUIRE(got.ok());
        REQUIRE(got->accepted);
        CHECK(got->accepted->text == c.scene.text);
    }
}

TEST_CASE("images without a code read as nothing, through every pass") {
    for (const auto& scene : qr_test::scenes_without_code()) {
        CAPTURE(scene.name);
        DecodePipeline pipeline(everything());
        auto got = pipeline.read(scene.image.view());
        REQUIRE(got.ok());
        CHECK_FALSE(got->accepted);
        CHECK_FALSE(got->first_read);
        CHECK(got->passes_run >= static_cast<int>(kDecodePassCount) - 1);
    }
}

TEST_CASE("a text the predicate refuses sends the image on to the next pass") {
    // Light code on dark ground: the plain pass misses it; every text is refused except the
    // one wanted, so the refusals are counted and the image still ends up read.
    const auto scene = qr_test::inverted(2);
    int asked = 0;
    DecodePipeline pipeline(everything());
    auto got = pipeline.read(scene.image.view(), [&](std::string_view text) {
        ++asked;
        return text == scene.text;
    });
    REQUIRE(got.ok());
    REQUIRE(got->accepted);
    CHECK(got->accepted_by == DecodePass::Inverted);
    CHECK(asked == 1);

    SUBCASE("refused by every pass: the first text read is still reported") {
        DecodePipeline refusing(everything());
        auto none = refusing.read(scene.image.view(), [](std::string_view) { return false; });
        REQUIRE(none.ok());
        CHECK_FALSE(none->accepted);
        REQUIRE(none->first_read);
        CHECK(none->first_read->text == scene.text);
        CHECK(none->first_read_by == DecodePass::Inverted);
        // It went on through the passes after the first read.
        CHECK(none->passes_run > 2);
        CHECK(refusing.stats()[static_cast<std::size_t>(DecodePass::Inverted)].refused == 1);
    }
}

TEST_CASE("of two codes in view the larger comes first, and a refused one gives way") {
    GrayImage frame = qr_test::filled(640, 480, 255);
    const auto big = code_image("TK1:THE-TICKET-HELD-UP", 6);
    const auto small = code_image("HTTPS://EXAMPLE.COM/AD", 3);
    qr_test::paste(frame, small, 20, 20);
    qr_test::paste(frame, big, 300, 120);
    DecodePipeline pipeline;
    auto got = pipeline.read(frame.view());
    REQUIRE(got.ok());
    REQUIRE(got->accepted);
    CHECK(got->accepted->text == "TK1:THE-TICKET-HELD-UP");

    auto only_ad = pipeline.read(frame.view(), [](std::string_view t) { return t[0] == 'H'; });
    REQUIRE(only_ad.ok());
    REQUIRE(only_ad->accepted);
    CHECK(only_ad->accepted->text == "HTTPS://EXAMPLE.COM/AD");
    CHECK(only_ad->first_read->text == "TK1:THE-TICKET-HELD-UP");
    CHECK(only_ad->accepted_by == DecodePass::Plain);
}

TEST_CASE("the budget decides which passes run, the same way every time") {
    const auto scene = qr_test::low_contrast(1);  // only local-contrast reads it
    SUBCASE("budget 1: the plain pass alone") {
        DecodePipeline pipeline({.budget = 1});
        auto got = pipeline.read(scene.image.view());
        REQUIRE(got.ok());
        CHECK_FALSE(got->accepted);
        CHECK(got->passes_run == 1);
        CHECK(got->budget_spent);
    }
    SUBCASE("the default budget, the same image twice: the same passes, within budget") {
        DecodePipeline a({.time_guard = false, .rotate_fallbacks = false});
        DecodePipeline b({.time_guard = false, .rotate_fallbacks = false});
        auto first = a.read(scene.image.view());
        auto second = b.read(scene.image.view());
        REQUIRE(first.ok());
        REQUIRE(second.ok());
        CHECK(first->passes_run == second->passes_run);
        CHECK(first->cost == doctest::Approx(second->cost));
        CHECK(first->cost <= 4.0);
        for (std::size_t i = 0; i < kDecodePassCount; ++i)
            CHECK(a.stats()[i].runs == b.stats()[i].runs);
    }
    SUBCASE("a time limit already reached: nothing starts after the plain pass") {
        DecodePipeline capped(
            {.budget = 64, .time_guard = false, .time_limit = std::chrono::microseconds(1)});
        auto got = capped.read(scene.image.view());
        REQUIRE(got.ok());
        CHECK(got->passes_run == 1);
        CHECK(got->cut_by_time);
        CHECK(got->budget_spent);
    }
    SUBCASE("no fallback passes: the plain pass alone whatever the budget") {
        DecodePipeline plain({.passes = {DecodePass::Plain}, .budget = 64});
        auto got = plain.read(scene.image.view());
        REQUIRE(got.ok());
        CHECK(got->passes_run == 1);
    }
}

TEST_CASE("held in view, a code meets the passes that did not fit in the first frame") {
    // Local contrast does not fit in the first frame's budget beside the cheaper passes; the
    // frames after start where the budget ran out, each within budget.
    const auto scene = qr_test::low_contrast(2);
    DecodePipeline pipeline({.time_guard = false});  // default budget 4, rotation on
    int frames = 0;
    std::optional<PipelineRead> last;
    while (frames < 6) {
        ++frames;
        auto got = pipeline.read(scene.image.view());
        REQUIRE(got.ok());
        CHECK(got->cost <= 4.0 + 1e-9);
        if (got->accepted) {
            last = *got;
            break;
        }
    }
    REQUIRE(last);
    CHECK(frames > 1);
    CHECK(frames <= 4);
    CHECK(last->accepted->text == scene.text);
    CHECK(last->accepted_by == DecodePass::LocalContrast);

    // After a read the next code starts from the first fallback again.
    auto again = pipeline.read(scene.image.view());
    REQUIRE(again.ok());
    CHECK_FALSE(again->accepted);
}

TEST_CASE("a hint is tried first and costs its share of the image") {
    GrayImage frame = qr_test::filled(640, 480, 200);
    const auto code = code_image(qr_test::scene_text(8), 3);
    qr_test::paste(frame, code, 400, 250);
    DecodePipeline pipeline;
    SUBCASE("around the code: read from the hint, cheaper than a plain pass") {
        auto got =
            pipeline.read(frame.view(), {}, Region{380, 230, code.width + 40, code.height + 40});
        REQUIRE(got.ok());
        REQUIRE(got->accepted);
        CHECK(got->accepted_in_hint);
        CHECK(got->cost < 1.0);
        // Corners are in the image's pixels, not the hint's.
        CHECK(got->accepted->corners[0].x >= 400);
        CHECK(got->accepted->corners[0].y >= 250);
    }
    SUBCASE("somewhere else: the whole image still reads it") {
        auto got = pipeline.read(frame.view(), {}, Region{0, 0, 200, 200});
        REQUIRE(got.ok());
        REQUIRE(got->accepted);
        CHECK_FALSE(got->accepted_in_hint);
        CHECK(got->passes_run == 2);
    }
}

TEST_CASE("zbar's pass keeps only ASCII text") {
    DecodePipeline zbar({.passes = {DecodePass::Zbar}, .budget = 64, .time_guard = false});
    const auto ascii = code_image("TK1:ASCII-ONLY-123", 4);
    auto got = zbar.read(ascii.view());
    REQUIRE(got.ok());
    REQUIRE(got->accepted);
    CHECK(got->accepted->text == "TK1:ASCII-ONLY-123");
    const auto utf8 = code_image("Eintritt f\xC3\xBCr zwei", 4);
    auto none = zbar.read(utf8.view());
    REQUIRE(none.ok());
    CHECK_FALSE(none->accepted);
}

TEST_CASE("pass names round-trip and bad input is an error value") {
    for (const auto pass : default_decode_passes()) {
        CAPTURE(to_string(pass));
        CHECK(parse_decode_pass(to_string(pass)) == pass);
        CHECK(decode_pass_cost(pass) > 0);
    }
    CHECK(default_decode_passes().front() == DecodePass::Plain);
    CHECK_FALSE(parse_decode_pass("magic"));

    DecodePipeline pipeline;
    auto bad = pipeline.read(GrayView{});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::InvalidImage);
    const auto image = qr_test::filled(64, 64, 255);
    DecodePipeline wrong({.budget = 0.5});
    auto refused = wrong.read(image.view());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::InvalidOptions);
}
