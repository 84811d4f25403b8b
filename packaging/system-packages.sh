# Sourced by run-demo.sh and run-tests.sh: installs the Debian/Ubuntu packages that are
# missing from the list given (with sudo when not root). Elsewhere it does nothing.
install_system_packages() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local missing=() package
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "installing system packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    sudo apt-get update -qq
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

# `python3 -m venv` on a fresh Debian/Ubuntu: the system Python ships without ensurepip.
VENV_PACKAGES=(python3-venv)

# Fonts for the window and the PDFs: IPAex (Japanese), IPAmj明朝 (外字 such as 𠮷, the 文字情報基盤
# reference font), Symbola (emoji in PDFs). The same list for the demo and the tests, so a name
# shows in the demo as it does in the screenshots.
FONT_PACKAGES=(fonts-ipaexfont-gothic fonts-ipaexfont-mincho fonts-ipamj-mincho fonts-symbola)

# Qt's runtime libraries (offscreen and on a real X11 desktop).
QT_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
             libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)

# What the desktop needs: both scripts install exactly this.
DESKTOP_PACKAGES=("${VENV_PACKAGES[@]}" "${FONT_PACKAGES[@]}" "${QT_PACKAGES[@]}")

# What only the tests need: pdftotext/pdffonts/pdftoppm for the PDF tests, pg_dump for the sync
# canary test.
TEST_PACKAGES=(poppler-utils postgresql-client)
