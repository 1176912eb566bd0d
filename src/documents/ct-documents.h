/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-document-error.h"
#include "ct-letterhead.h"
#include "ct-referral-letter.h"
#include "ct-record-of-concern.h"
#include "ct-chronology-report.h"
#include "ct-recovery-sheet.h"
#include "ct-pdf-preview.h"
