// Image files as a frame source: one file, or a directory played in file-name order.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "Concat.h"
#include "gate/qr/Png.h"
#include "gate/scanner/FrameSource.h"

namespace gate::scanner {
namespace {

namespace fs = std::filesystem;

bool is_image_name(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".pgm" || ext == ".bmp";
}

class ImageFilesSource final : public FrameSource {
  public:
    ImageFilesSource(std::vector<fs::path> files, std::string what)
        : files_(std::move(files)), what_(std::move(what)) {}

    Result<std::optional<Frame>, SourceError> next() override {
        if (index_ >= files_.size()) return std::optional<Frame>{};
        const fs::path& path = files_[index_++];
        auto image = qr::load_image(path);
        if (!image)
            return fail(SourceError{concat({path.string(), ": ", image.error().message,
                                            " (remove the file or convert it to PNG)"})});
        current_ = std::move(image).value();
        return std::optional<Frame>{Frame{current_.view(), path.filename().string()}};
    }

    std::string describe() const override { return what_; }

  private:
    std::vector<fs::path> files_;
    std::string what_;
    std::size_t index_ = 0;
    qr::GrayImage current_;
};

}  // namespace

Result<std::unique_ptr<FrameSource>, SourceError> open_image_files(std::string_view path_text) {
    const fs::path path(path_text);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return fail(
            SourceError{concat({"'", path.string(),
                                "' does not exist: give an image file or a directory of images"})});
    if (fs::is_directory(status)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(path, ec))
            if (entry.is_regular_file() && is_image_name(entry.path()))
                files.push_back(entry.path());
        if (ec)
            return fail(SourceError{concat({"cannot list '", path.string(), "': ", ec.message()})});
        std::sort(files.begin(), files.end());
        if (files.empty())
            return fail(SourceError{concat(
                {"directory '", path.string(), "' holds no .png, .jpg, .pgm or .bmp images"})});
        std::string what =
            "directory " + path.string() + " (" + std::to_string(files.size()) + " images)";
        return std::unique_ptr<FrameSource>(
            std::make_unique<ImageFilesSource>(std::move(files), std::move(what)));
    }
    return std::unique_ptr<FrameSource>(std::make_unique<ImageFilesSource>(
        std::vector<fs::path>{path}, concat({"image ", path.string()})));
}

}  // namespace gate::scanner
