package locale

// accountMessages are the texts of the account's pages (sign-in, sign-up,
// getting back in, the account's settings) and of the mails they send.
var accountMessages = []entry{
	// Getting back in.
	{"Email is not set up", "尚未设置电子邮件", "尚未設定電子郵件"},
	{"This service cannot send email yet, so it cannot send reset or sign-in links. Ask its operator to reset your password (lineup user passwd).", "本服务目前无法发送电子邮件，因此不能发出重设密码或登录链接。请联系运营者为你重设密码（lineup user passwd）。", "本服務目前無法寄送電子郵件，因此不能寄出重設密碼或登入連結。請聯絡營運者為你重設密碼（lineup user passwd）。"},
	{"Get back in", "找回账户", "找回帳號"},
	{"Enter your account's email. We will send a link that works once, for 30 minutes.", "请输入账户的电子邮箱。我们会发送一个链接，只能使用一次，30 分钟内有效。", "請輸入帳號的電子郵件。我們會寄出一個連結，只能使用一次，30 分鐘內有效。"},
	{"Email me a password reset link", "给我发送重设密码链接", "寄給我重設密碼連結"},
	{"Email me a sign-in link", "给我发送登录链接", "寄給我登入連結"},
	{"Check your email", "请查收邮件", "請查看你的郵件"},
	{"If %s has an account here, we sent it a link. It works once, for 30 minutes.", "如果%s在这里有账户，我们已向它发送了一个链接。链接只能使用一次，30 分钟内有效。", "如果%s在這裡有帳號，我們已寄出一個連結給它。連結只能使用一次，30 分鐘內有效。"},
	{"Choose a new password", "设置新密码", "設定新密碼"},
	{"Set password", "设置密码", "設定密碼"},
	{"New password", "新密码", "新密碼"},
	{"At least 10 characters; a few unrelated words are easy to remember and hard to guess.", "至少 10 个字符；几个互不相关的词既好记又难猜。", "至少 10 個字元；幾個互不相關的詞既好記又難猜。"},
	{"Your password is changed and every session was signed out. Sign in with the new one.", "密码已更改，所有会话都已退出登录。请用新密码登录。", "密碼已變更，所有工作階段都已登出。請用新密碼登入。"},
	{"This link does not work any more", "此链接已失效", "此連結已失效"},
	{"Links we email work once, for 30 minutes. Ask for a new one.", "我们发送的链接只能使用一次，30 分钟内有效。请重新申请一个。", "我們寄出的連結只能使用一次，30 分鐘內有效。請重新申請一個。"},
	{"Sign in to %s with the link we emailed you.", "使用我们通过电子邮件发给你的链接登录%s。", "使用我們以電子郵件寄給你的連結登入%s。"},
	{"Confirm your email", "确认你的电子邮箱", "確認你的電子郵件"},
	{"Confirm your email to finish creating your account.", "确认你的电子邮箱，即可完成账户创建。", "確認你的電子郵件，即可完成帳號建立。"},
	{"Confirm and sign in", "确认并登录", "確認並登入"},
	{"Forgot your password, or kept waiting?", "忘记密码，或者一直要等待？", "忘記密碼，或是一直要等待？"},
	{"Confirm your email first: follow the link we sent you. No mail? Ask for a sign-in link below.", "请先确认你的电子邮箱：打开我们发给你的链接。没收到邮件？可以在下方申请登录链接。", "請先確認你的電子郵件：開啟我們寄給你的連結。沒收到郵件？可以在下方申請登入連結。"},
	{"We sent a message to %s. Follow its link to finish creating your account.", "我们已向%s发送了一封邮件。打开其中的链接即可完成账户创建。", "我們已寄一封郵件到%s。開啟其中的連結即可完成帳號建立。"},
	{"Your account is ready", "你的账户已就绪", "你的帳號已準備就緒"},
	{"If %s was new here, your account is ready: sign in with it and your password.", "如果%s是第一次在这里注册，你的账户已经就绪：请用它和你的密码登录。", "如果%s是第一次在這裡註冊，你的帳號已準備就緒：請用它和你的密碼登入。"},
	{"If it had an account before, its owner has been told by email.", "如果它之前已有账户，我们已通过电子邮件通知账户所有者。", "如果它之前已有帳號，我們已透過電子郵件通知帳號擁有者。"},

	// The account's settings.
	{"Account", "账户", "帳號"},
	{"Your account", "你的账户", "你的帳號"},
	{"Signed in as %s.", "当前登录账户：%s。", "目前登入帳號：%s。"},
	{"Change your password", "更改密码", "變更密碼"},
	{"Current password", "当前密码", "目前密碼"},
	{"Changing your password signs you out everywhere else.", "更改密码后，其他所有设备都会退出登录。", "變更密碼後，其他所有裝置都會登出。"},
	{"Change password", "更改密码", "變更密碼"},
	{"Sign out everywhere", "在所有设备上退出登录", "在所有裝置上登出"},
	{"Ends every session of this account, this one included: on phones, TVs and other browsers.", "结束此账户的所有会话，包括当前这个：手机、电视和其他浏览器上都会退出登录。", "結束此帳號的所有工作階段，包括目前這個：手機、電視和其他瀏覽器上都會登出。"},
	{"a kids profile cannot open the account's settings; switch to a grown-up's profile", "儿童档案无法打开账户设置；请切换到成人的档案", "兒童設定檔無法開啟帳號設定；請切換到成人的設定檔"},
	{"a kids profile cannot change the account's password", "儿童档案无法更改账户密码", "兒童設定檔無法變更帳號密碼"},
	{"Your current password is not right.", "当前密码不正确。", "目前密碼不正確。"},
	{"Your password is changed. Every other session was signed out.", "密码已更改，其他所有会话都已退出登录。", "密碼已變更，其他所有工作階段都已登出。"},
	{"You are signed out everywhere.", "你已在所有设备上退出登录。", "你已在所有裝置上登出。"},
	{"Too many requests", "请求过多", "請求過多"},

	// Profiles.
	{"Edit %s", "编辑%s", "編輯%s"},
	{"Account password", "账户密码", "帳號密碼"},
	{"Save", "保存", "儲存"},
	{"A kids profile cannot add or change profiles. Switch to a grown-up's profile.", "儿童档案无法添加或更改档案。请切换到成人的档案。", "兒童設定檔無法新增或變更設定檔。請切換到成人的設定檔。"},
	{"Enter the account's password to add or change a profile.", "添加或更改档案需要输入账户密码。", "新增或變更設定檔需要輸入帳號密碼。"},
	{"this needs the admin role", "此操作需要管理员权限", "此操作需要管理員權限"},
	{"pick a profile first", "请先选择一个档案", "請先選擇一個設定檔"},

	// A field's reason (see recognized) in a sentence of its own.
	{"The email %s.", "电子邮箱%s。", "電子郵件%s。"},
	{"The password %s.", "密码%s。", "密碼%s。"},
	{"The new password %s.", "新密码%s。", "新密碼%s。"},
	{"The name %s.", "名称%s。", "名稱%s。"},
	{"The language %s.", "语言%s。", "語言%s。"},
	{"The PIN %s.", "PIN 码%s。", "PIN 碼%s。"},

	// Mail: the subject, then the body, which takes the service's name and
	// the link.
	{"Your sign-in link", "你的登录链接", "你的登入連結"},
	{"Sign in to %[1]s with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf you did not ask for it, ignore this message.",
		"请用这个链接登录%[1]s（链接只能使用一次，30 分钟内有效）：\n\n%[2]s\n\n如果你没有申请，请忽略这封邮件。",
		"請用這個連結登入%[1]s（連結只能使用一次，30 分鐘內有效）：\n\n%[2]s\n\n如果你沒有提出申請，請忽略這封郵件。"},
	{"Reset your password", "重设你的密码", "重設你的密碼"},
	{"Choose a new %[1]s password with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf you did not ask for it, ignore this message: your password stays as it is.",
		"请用这个链接为%[1]s设置新密码（链接只能使用一次，30 分钟内有效）：\n\n%[2]s\n\n如果你没有申请，请忽略这封邮件，你的密码不会改变。",
		"請用這個連結為%[1]s設定新密碼（連結只能使用一次，30 分鐘內有效）：\n\n%[2]s\n\n如果你沒有提出申請，請忽略這封郵件，你的密碼不會變更。"},
	{"Someone tried to create an account with your email", "有人试图用你的电子邮箱创建账户", "有人試圖用你的電子郵件建立帳號"},
	{"Someone (perhaps you) tried to create a new %[1]s account with this email, which already has one.\n\nIf it was you, sign in with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf it was not you, ignore this message: nothing changed.",
		"有人（也许是你）试图用这个电子邮箱创建新的%[1]s账户，但这个邮箱已经有账户了。\n\n如果是你本人，请用这个链接登录（链接只能使用一次，30 分钟内有效）：\n\n%[2]s\n\n如果不是你，请忽略这封邮件，账户没有任何改变。",
		"有人（也許是你）試圖用這個電子郵件建立新的%[1]s帳號，但這個電子郵件已經有帳號了。\n\n如果是你本人，請用這個連結登入（連結只能使用一次，30 分鐘內有效）：\n\n%[2]s\n\n如果不是你，請忽略這封郵件，帳號沒有任何變更。"},
	{"Welcome to %[1]s. Confirm your email to finish creating your account (the link works once, for 30 minutes):\n\n%[2]s\n\nIf you did not sign up, ignore this message.",
		"欢迎加入%[1]s。请确认你的电子邮箱，完成账户创建（链接只能使用一次，30 分钟内有效）：\n\n%[2]s\n\n如果你没有注册，请忽略这封邮件。",
		"歡迎加入%[1]s。請確認你的電子郵件，完成帳號建立（連結只能使用一次，30 分鐘內有效）：\n\n%[2]s\n\n如果你沒有註冊，請忽略這封郵件。"},
}

// recognized are texts other packages write in English with values in
// them (the reasons of accounts' field errors); Locale.Text recognises them
// filled in and writes them in the viewer's language. The reasons are
// predicates ("must be …", "is …") that a sentence such as "The password
// %s." completes in either language.
var recognized = []entry{
	{"is required", "不能为空", "不能為空"},
	{"must be at least %d characters", "至少要有 %d 个字符", "至少要有 %d 個字元"},
	{"must be at most %d characters", "最多只能有 %d 个字符", "最多只能有 %d 個字元"},
	{"must be one plain email address", "必须是单个普通的电子邮箱地址", "必須是單一個一般的電子郵件地址"},
	{"must be an email address such as name@example.com", "必须是像 name@example.com 这样的电子邮箱地址", "必須是像 name@example.com 這樣的電子郵件地址"},
	{"must be text without NUL bytes", "不能包含 NUL 字节", "不能包含 NUL 位元組"},
	{"must be text without control characters", "不能包含控制字符", "不能包含控制字元"},
	{"must be a BCP-47 language tag such as en, zh-Hans or pt-BR", "必须是 BCP-47 语言标记，例如 en、zh-Hans 或 pt-BR", "必須是 BCP-47 語言標記，例如 en、zh-Hans 或 pt-BR"},
	{"maturity limit must be between 0 and %d", "分级限制必须在 0 到 %d 之间", "分級限制必須介於 0 到 %d 之間"},
	{"a kids profile's maturity limit must be at most %d", "儿童档案的分级限制最高为 %d", "兒童設定檔的分級限制最高為 %d"},
	{"must be exactly 4 digits", "必须正好是 4 位数字", "必須剛好是 4 位數字"},
	// The reasons rights gives for a license's fields (the admin's forms).
	{"malformed date %q: write YYYY-MM-DD, such as 2018-06-22", "日期“%s”格式有误：请写成 YYYY-MM-DD，例如 2018-06-22", "日期「%s」格式有誤：請寫成 YYYY-MM-DD，例如 2018-06-22"},
	{"malformed date %q: write YYYY-MM-DD, or a date-time with an offset such as 2018-06-22T00:00:00+08:00", "日期“%s”格式有误：请写成 YYYY-MM-DD，或带时差的日期时间，例如 2018-06-22T00:00:00+08:00", "日期「%s」格式有誤：請寫成 YYYY-MM-DD，或帶時差的日期時間，例如 2018-06-22T00:00:00+08:00"},
	{"unknown license type %q: use one of SVOD, AVOD, TVOD, EST, Theatrical, PayTV, FreeTV", "未知的授权类型“%s”：请使用 SVOD、AVOD、TVOD、EST、Theatrical、PayTV 或 FreeTV", "未知的授權類型「%s」：請使用 SVOD、AVOD、TVOD、EST、Theatrical、PayTV 或 FreeTV"},
	{"unknown territory %q: use an ISO 3166-1 alpha-2 country code such as CN or US, or ZZ (worldwide) or EU", "未知的地区“%s”：请使用 ISO 3166-1 二字母国家代码，例如 CN 或 US，或者 ZZ（全球）或 EU", "未知的地區「%s」：請使用 ISO 3166-1 二字母國家代碼，例如 CN 或 US，或者 ZZ（全球）或 EU"},
	{"territory %q must be written in capitals: %q", "地区“%s”必须用大写字母：“%s”", "地區「%s」必須用大寫字母：「%s」"},
	{"no territories: give at least one country code, or ZZ for worldwide", "没有地区：请至少填写一个国家代码，或填 ZZ 表示全球", "沒有地區：請至少填寫一個國家代碼，或填 ZZ 表示全球"},
	{"unknown time zone %q: use an IANA zone name such as America/Toronto", "未知的时区“%s”：请使用 IANA 时区名称，例如 America/Toronto", "未知的時區「%s」：請使用 IANA 時區名稱，例如 America/Toronto"},
	{"a license needs the title it grants rights in", "授权必须指明所授权的作品", "授權必須指明所授權的作品"},
	{"the licensor (who grants the rights) is required", "必须填写授权方（授予权利的一方）", "必須填寫授權方（授予權利的一方）"},
	{"the licensee (who receives the rights) is required", "必须填写被授权方（获得权利的一方）", "必須填寫被授權方（取得權利的一方）"},
	{"a start date is required, such as 2018-06-22", "必须填写开始日期，例如 2018-06-22", "必須填寫開始日期，例如 2018-06-22"},
	{"window ends before it starts: end %s is not after start %s", "期限在开始之前就结束了：结束 %[1]s 不晚于开始 %[2]s", "期間在開始之前就結束了：結束 %[1]s 不晚於開始 %[2]s"},

	// The reasons catalog gives for an image.
	{"the image is larger than %d MiB: send a smaller file", "图片超过 %d MiB：请上传较小的文件", "圖片超過 %d MiB：請上傳較小的檔案"},
	{"the file is not a JPEG, PNG or WebP image that can be read", "这个文件不是可读取的 JPEG、PNG 或 WebP 图片", "這個檔案不是可讀取的 JPEG、PNG 或 WebP 圖片"},
	{"artwork must be a JPEG, PNG or WebP image", "图片必须是 JPEG、PNG 或 WebP 格式", "圖片必須是 JPEG、PNG 或 WebP 格式"},
	{"artwork is a poster or a backdrop", "图片类型只能是海报或背景图", "圖片類型只能是海報或背景圖"},
	{"a %s must be at least %d pixels wide once cropped to %d:%d", "裁切为 %[3]d:%[4]d 后，%[1]s的宽度至少要 %[2]d 像素", "裁切為 %[3]d:%[4]d 後，%[1]s的寬度至少要 %[2]d 像素"},
	{"is one of the most common passwords; use a few unrelated words or a password manager's suggestion", "是最常见的密码之一；请改用几个互不相关的词，或密码管理器建议的密码", "是最常見的密碼之一；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"contains your email or the service's name; use a few unrelated words or a password manager's suggestion", "包含你的电子邮箱或本服务的名称；请改用几个互不相关的词，或密码管理器建议的密码", "包含你的電子郵件或本服務的名稱；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is built on the common word %q; use a few unrelated words or a password manager's suggestion", "以常见词“%s”为基础；请改用几个互不相关的词，或密码管理器建议的密码", "以常見詞「%s」為基礎；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is built on the common name or word %q; use a few unrelated words or a password manager's suggestion", "以常见的名字或词语“%s”为基础；请改用几个互不相关的词，或密码管理器建议的密码", "以常見的名字或詞語「%s」為基礎；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is a row of neighbouring keys; use a few unrelated words or a password manager's suggestion", "是键盘上相邻的一串按键；请改用几个互不相关的词，或密码管理器建议的密码", "是鍵盤上相鄰的一串按鍵；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"repeats the same characters; use a few unrelated words or a password manager's suggestion", "重复了相同的字符；请改用几个互不相关的词，或密码管理器建议的密码", "重複了相同的字元；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is a run like abc or 123; use a few unrelated words or a password manager's suggestion", "是 abc 或 123 这样的连续序列；请改用几个互不相关的词，或密码管理器建议的密码", "是 abc 或 123 這樣的連續序列；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is built on a date; use a few unrelated words or a password manager's suggestion", "以日期为基础；请改用几个互不相关的词，或密码管理器建议的密码", "以日期為基礎；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
	{"is too easy to guess; use a few unrelated words or a password manager's suggestion", "太容易被猜到；请改用几个互不相关的词，或密码管理器建议的密码", "太容易被猜到；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
}
