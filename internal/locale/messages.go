package locale

// messages are the interface's texts: the English key (a fmt format) and its
// simplified and traditional Chinese translations. Verbs may be reordered
// with explicit indexes (%[2]s). TestEveryMessageIsTranslated keeps every
// key the templates and the web package use in this table, in both scripts.
var messages = []struct{ en, hans, hant string }{
	// Numbers and sums (Chinese writes 亿 and 万 instead, see Money).
	{"%s billion", "%s billion", "%s billion"},
	{"%s million", "%s million", "%s million"},

	// The frame of every page.
	{"Skip to content", "跳到主要内容", "跳到主要內容"},
	{"Main", "主导航", "主導覽"},
	{"Home", "首页", "首頁"},
	{"Search", "搜索", "搜尋"},
	{"Top 10", "Top 10", "Top 10"},
	{"My List", "我的片单", "我的片單"},
	{"Admin", "管理", "管理"},
	{"Showing the lineup for %s", "当前显示%s的片单", "目前顯示%s的片單"},
	{"Sign in", "登录", "登入"},
	{"Sign out", "退出登录", "登出"},
	{"Menu", "菜单", "選單"},
	{"Scroll back", "向左滚动", "向左捲動"},
	{"Scroll forward", "向右滚动", "向右捲動"},
	{"%s · a streaming service whose catalogue follows the rights", "%s · 片库随版权而定的流媒体服务", "%s · 片庫隨版權而定的串流服務"},

	// Rows and cards.
	{"Continue Watching", "继续观看", "繼續觀看"},
	{"Top 10 in %s this week", "%s本周 Top 10", "%s本週 Top 10"},
	{"Top 10 in %s", "%s Top 10", "%s Top 10"},
	{"Top 10 in %[1]s, week of %[2]s", "%[1]s Top 10（%[2]s当周）", "%[1]s Top 10（%[2]s當週）"},
	{"Nothing has been watched here this week yet.", "本周这里还没有人观看。", "本週這裡還沒有人觀看。"},
	{"New on %s", "%s新上线", "%s新上架"},
	{"Nothing is licensed for %s right now.", "目前没有在%s获得授权的作品。", "目前沒有在%s取得授權的作品。"},
	{"From %s", "%s上线", "%s上架"},
	{"Coming Soon", "即将上线", "即將上架"},
	{"Nothing announced yet.", "暂无预告。", "暫無預告。"},
	{"Last day to watch %s", "%s为最后观看日", "%s為最後觀看日"},
	{"Leaving Soon", "即将下线", "即將下架"},
	{"Titles you add to My List appear here.", "加入“我的片单”的作品会显示在这里。", "加入「我的片單」的作品會顯示在這裡。"},
	{"No titles on this profile.", "此档案下没有可看的作品。", "此設定檔下沒有可看的作品。"},
	{"Number %d: %s", "第%d名：%s", "第%d名：%s"},
	{"Original", "原创", "原創"},
	{"Watched", "已观看", "已觀看"},
	{"%[1]s · %[2]s", "%[1]s · %[2]s", "%[1]s · %[2]s"},

	// The title page.
	{"Maturity rating", "分级", "分級"},
	{"All ages", "全年龄", "普遍級"},
	{"%d min", "%d分钟", "%d分鐘"},
	{"Available now in %s", "现可在%s观看", "現可在%s觀看"},
	{"Available now in %[1]s · Last day to watch %[2]s", "现可在%[1]s观看 · 最后观看日：%[2]s", "現可在%[1]s觀看 · 最後觀看日：%[2]s"},
	{"Available now in %s · the video is still being prepared", "现可在%s观看 · 视频仍在准备中", "現可在%s觀看 · 影片仍在準備中"},
	{"Available from %[1]s in %[2]s", "%[1]s起可在%[2]s观看", "%[1]s起可在%[2]s觀看"},
	{"Not available in your country (%s)", "你所在的国家或地区（%s）无法观看", "你所在的國家或地區（%s）無法觀看"},
	{"Play", "播放", "播放"},
	{"Resume from %s", "从%s继续播放", "從%s繼續播放"},
	{"In My List", "已在我的片单", "已在我的片單"},
	{"Based on %s", "改编自%s", "改編自%s"},
	{"Cast and crew", "演职人员", "演職人員"},
	{"as %s", "饰 %s", "飾 %s"},
	{"Box office", "票房", "票房"},
	{"Box office in %s", "%s票房", "%s票房"},
	{"Box office in %s, in US dollars", "%s票房（美元）", "%s票房（美元）"},
	{"At the stored exchange rates, about %[1]s after 10 days and about %[2]s in all (estimates).", "按已存汇率折算，上映10天约%[1]s，累计约%[2]s（估算）。", "按已存匯率換算，上映10天約%[1]s，累計約%[2]s（估算）。"},
	{"%[1]s: opened %[2]s with %[3]s; %[4]s after %[5]d days.", "%[1]s：%[2]s首映，首日%[3]s；上映%[5]d天累计%[4]s。", "%[1]s：%[2]s首映，首日%[3]s；上映%[5]d天累計%[4]s。"},
	{"%[1]s: opened %[2]s with %[3]s; an estimated %[4]s after %[5]d days.", "%[1]s：%[2]s首映，首日%[3]s；上映%[5]d天累计约%[4]s（估算）。", "%[1]s：%[2]s首映，首日%[3]s；上映%[5]d天累計約%[4]s（估算）。"},
	// The box-office chart (charts.CumulativeSVG).
	{"%s: cumulative box office in %s", "%s：%s累计票房", "%s：%s累計票房"},
	{"No box-office figures", "暂无票房数据", "暫無票房資料"},
	{"reported", "已公布", "已公布"},
	{"estimate", "估算", "估算"},
	{"%s · day %d", "%s · 第%d天", "%s · 第%d天"},
	{"%s · day %d (estimate)", "%s · 第%d天（估算）", "%s · 第%d天（估算）"},
	{"No box-office figures for %s in %s.", "%s在%s暂无票房数据。", "%s在%s暫無票房資料。"},
	{"Cumulative box-office gross of %s in %s, in %s, from %s to %s: %s at the end.", "%s在%s的累计票房（%s），%s至%s：最终%s。", "%s在%s的累計票房（%s），%s至%s：最終%s。"},
	{"Cumulative box-office gross of %s in %s, in %s, from %s to %s: %s at the end (estimate).", "%s在%s的累计票房（%s），%s至%s：最终%s（估算）。", "%s在%s的累計票房（%s），%s至%s：最終%s（估算）。"},
	{"Opening day %s: %s.", "首映日%s：%s。", "首映日%s：%s。"},
	{"Passed %s on day %d (%s).", "第%[2]d天（%[3]s）突破%[1]s。", "第%[2]d天（%[3]s）突破%[1]s。"},
	{"Passed %s on day %d (%s), an estimated day.", "第%[2]d天（%[3]s，估算）突破%[1]s。", "第%[2]d天（%[3]s，估算）突破%[1]s。"},
	{"%d of %d days are estimates (dashed): days without a reported figure, interpolated, or figures marked as estimates.", "%[2]d天中有%[1]d天为估算（虚线）：没有公布数字、以插值补足或标为估算的日子。", "%[2]d天中有%[1]d天為估算（虛線）：沒有公布數字、以插值補足或標為估算的日子。"},
	{"Dashed stretches are estimates between reported figures.", "虚线部分是两个公布数字之间的估算。", "虛線部分是兩個公布數字之間的估算。"},

	// Credits and genres, as the catalogue names them.
	{"Director", "导演", "導演"},
	{"Actor", "演员", "演員"},
	{"Producer", "制片人", "製片人"},
	{"Cinematographer", "摄影指导", "攝影指導"},
	{"Writer", "编剧", "編劇"},
	{"Composer", "作曲", "作曲"},
	{"Editor", "剪辑", "剪輯"},
	{"Drama", "剧情", "劇情"},
	{"Romance", "爱情", "愛情"},
	{"Comedy", "喜剧", "喜劇"},
	{"Family", "家庭", "家庭"},
	{"Sport", "运动", "運動"},
	{"Action", "动作", "動作"},
	{"Animation", "动画", "動畫"},
	{"Documentary", "纪录片", "紀錄片"},
	{"Thriller", "惊悚", "驚悚"},
	{"Horror", "恐怖", "恐怖"},
	{"Crime", "犯罪", "犯罪"},
	{"Fantasy", "奇幻", "奇幻"},
	{"Science Fiction", "科幻", "科幻"},
	{"Adventure", "冒险", "冒險"},
	{"History", "历史", "歷史"},
	{"War", "战争", "戰爭"},
	{"Music", "音乐", "音樂"},

	// The player.
	{"The player library (hls.js) is missing from this build: run scripts/build-assets and rebuild.", "此版本缺少播放器程序库（hls.js）：请运行 scripts/build-assets 后重新构建。", "此版本缺少播放器函式庫（hls.js）：請執行 scripts/build-assets 後重新建置。"},
	{"Player controls", "播放控制", "播放控制"},
	{"Pause", "暂停", "暫停"},
	{"Position", "播放位置", "播放位置"},
	{"Audio", "音轨", "音軌"},
	{"Subtitles", "字幕", "字幕"},
	{"Off", "关闭", "關閉"},
	{"Quality", "画质", "畫質"},
	{"Auto", "自动", "自動"},
	{"Full screen", "全屏", "全螢幕"},
	{"Keys: Space or K play/pause · ←/→ 10 s · ↑/↓ volume · M mute · C subtitles · F full screen", "快捷键：空格或 K 播放/暂停 · ←/→ 10 秒 · ↑/↓ 音量 · M 静音 · C 字幕 · F 全屏", "快速鍵：空白鍵或 K 播放/暫停 · ←/→ 10 秒 · ↑/↓ 音量 · M 靜音 · C 字幕 · F 全螢幕"},
	{"Subtitles %s", "字幕 %s", "字幕 %s"},
	{"Track %s", "音轨 %s", "音軌 %s"},
	{"This browser cannot play HLS video.", "此浏览器无法播放 HLS 视频。", "此瀏覽器無法播放 HLS 影片。"},
	{"Press play to start.", "请按播放开始。", "請按播放開始。"},
	{"Playback stopped: the playback link is no longer valid (the title may have left your country's lineup).", "播放已停止：播放链接已失效（这部作品可能已从你所在国家或地区的片单下线）。", "播放已停止：播放連結已失效（這部作品可能已從你所在國家或地區的片單下架）。"},
	{"Playback stopped: %s", "播放已停止：%s", "播放已停止：%s"},
	{"Resuming at %s", "从%s继续播放", "從%s繼續播放"},

	// Interviews: the label of the interviewer's questions.
	{"Q:", "问：", "問："},

	// Search.
	{"Titles, people, characters — in any language", "作品、人物、角色——任何语言皆可", "作品、人物、角色——任何語言皆可"},
	{"Titles, people, characters — 后来的我们, houlai de women, René Liu…", "作品、人物、角色——后来的我们、houlai de women、刘若英…", "作品、人物、角色——後來的我們、houlai de women、劉若英…"},
	{"Nothing in %s's lineup matches “%s”.", "%s的片单中没有与“%s”相符的内容。", "%s的片單中沒有與「%s」相符的內容。"},

	// Accounts and profiles.
	{"Create your account", "创建账户", "建立帳號"},
	{"Create account", "创建账户", "建立帳號"},
	{"Create an account", "创建账户", "建立帳號"},
	{"Email", "电子邮箱", "電子郵件"},
	{"Password", "密码", "密碼"},
	{"Already a member?", "已有账户？", "已有帳號？"},
	{"New here?", "第一次来？", "第一次來？"},
	{"That email and password don't match an account.", "电子邮箱和密码不匹配任何账户。", "電子郵件和密碼不符合任何帳號。"},
	{"Who's watching?", "谁在观看？", "誰在觀看？"},
	{"Create your profile", "创建你的档案", "建立你的設定檔"},
	{"Each person who watches gets a profile: their language, their maturity rating, their list and where they stopped.", "每位观众都有自己的档案：自己的语言、分级限制、片单和观看进度。", "每位觀眾都有自己的設定檔：自己的語言、分級限制、片單和觀看進度。"},
	{"Kids", "儿童", "兒童"},
	{"PIN for %s", "%s的 PIN 码", "%s的 PIN 碼"},
	{"Add a profile", "添加档案", "新增設定檔"},
	{"Name", "名称", "名稱"},
	{"Language", "语言", "語言"},
	{"Maturity: titles up to age", "分级：适合此年龄及以下的作品", "分級：適合此年齡及以下的作品"},
	{"Kids profile (titles for 12 and under)", "儿童档案（12 岁及以下的作品）", "兒童設定檔（12 歲及以下的作品）"},
	{"PIN (optional, 4 digits)", "PIN 码（可选，4 位数字）", "PIN 碼（選填，4 位數字）"},
	{"Add profile", "添加档案", "新增設定檔"},
	{"An account has at most five profiles.", "每个账户最多有五个档案。", "每個帳號最多有五個設定檔。"},
	{"That PIN is not right.", "PIN 码不正确。", "PIN 碼不正確。"},
	{"Captions for %s", "%s的字幕样式", "%s的字幕樣式"},
	{"Caption size", "字幕大小", "字幕大小"},
	{"Small", "小", "小"},
	{"Medium", "中", "中"},
	{"Large", "大", "大"},
	{"Caption background", "字幕背景", "字幕背景"},
	{"Dark box", "深色底框", "深色底框"},
	{"None (outlined text)", "无（描边文字）", "無（描邊文字）"},
	{"Save captions", "保存字幕设置", "儲存字幕設定"},
	{"caption size must be small, medium or large", "字幕大小必须是小、中或大", "字幕大小必須是小、中或大"},
	{"caption background must be box or none", "字幕背景必须是底框或无", "字幕背景必須是底框或無"},

	// Error pages.
	{"Still being prepared", "仍在准备中", "仍在準備中"},
	{"The video of this title is still being prepared. Try again in a few minutes.", "这部作品的视频仍在准备中，请几分钟后再试。", "這部作品的影片仍在準備中，請幾分鐘後再試。"},
	{"Not available on this profile", "不适合此档案", "不適合此設定檔"},
	{"This title is above this profile's maturity rating. Choose another profile to watch it.", "这部作品超出了此档案的分级限制。请选择其他档案观看。", "這部作品超出了此設定檔的分級限制。請選擇其他設定檔觀看。"},
	{"Not available yet", "尚未上线", "尚未上架"},
	{"This title will be available in %[2]s from %[1]s.", "这部作品将于%[1]s在%[2]s上线。", "這部作品將於%[1]s在%[2]s上架。"},
	{"Not available here", "此地区无法观看", "此地區無法觀看"},
	{"This title is not available in %s now.", "这部作品目前在%s无法观看。", "這部作品目前在%s無法觀看。"},
	{"Page not found", "找不到此页面", "找不到此頁面"},
	{"There is nothing at this address. The link may be mistyped, or the title may have left the lineup.", "此地址没有内容。链接可能有误，或者这部作品已经下架。", "此網址沒有內容。連結可能有誤，或者這部作品已經下架。"},
	{"This address is not right: a title's number is a positive whole number.", "此地址有误：作品编号应为正整数。", "此網址有誤：作品編號應為正整數。"},
	{"Not allowed", "无权访问", "無權存取"},
	{"You can't open this page. Sign in with another account, or go back to the home page.", "你无法打开此页面。请使用其他账户登录，或返回首页。", "你無法開啟此頁面。請使用其他帳號登入，或返回首頁。"},
	{"this page is for administrators", "此页面仅供管理员使用", "此頁面僅供管理員使用"},
	{"this service does not take new sign-ups; ask its operator for an account", "本服务不接受新用户注册；请向运营者申请账户", "本服務不接受新用戶註冊；請向營運者申請帳號"},
	{"the form expired or came from another site: reload the page and try again", "表单已过期或来自其他网站：请刷新页面后重试", "表單已過期或來自其他網站：請重新整理頁面後再試"},
	{"Temporarily unavailable", "暂时无法使用", "暫時無法使用"},
	{"Part of the service is not answering. Try again in a minute.", "部分服务没有响应，请稍后再试。", "部分服務沒有回應，請稍後再試。"},
	{"Something went wrong on our side", "我们这边出了问题", "我們這邊出了問題"},
	{"Try again in a moment. If it keeps happening, report it with the error ID below.", "请稍后再试。如果问题持续出现，请附上下面的错误编号报告。", "請稍後再試。如果問題持續出現，請附上下方的錯誤編號回報。"},
	{"This request can't be completed", "无法完成此请求", "無法完成此請求"},
	{"Error ID:", "错误编号：", "錯誤編號："},
	{"Go to the home page", "返回首页", "返回首頁"},
}

// entry is one message: the English key and its two Chinese translations.
type entry = struct{ en, hans, hant string }

// allMessages are the tables of every part of the interface, one after the
// other (the recognized texts of other packages are apart: see recognized).
func allMessages() []entry {
	var all []entry
	for _, t := range [][]entry{messages, accountMessages, adminMessages} {
		all = append(all, t...)
	}
	return all
}

// Known reports whether key has a translation in both Chinese scripts.
func Known(key string) bool {
	for _, m := range append(allMessages(), recognized...) {
		if m.en == key {
			return m.hans != "" && m.hant != ""
		}
	}
	for _, m := range plurals {
		if m.key == key {
			return m.hans != "" && m.hant != ""
		}
	}
	return false
}

// plurals are messages that change with a count, the first argument:
// English has a form for one and one for every other count; Chinese one
// form for all.
var plurals = []struct{ key, one, other, hans, hant string }{
	{"%d views", "%d view", "%d views", "%d次观看", "%d次觀看"},
	{"Too many attempts. Try again in %d seconds.", "Too many attempts. Try again in %d second.", "Too many attempts. Try again in %d seconds.", "尝试次数过多，请%d秒后再试。", "嘗試次數過多，請%d秒後再試。"},
	{"Too many attempts. Try again in %d seconds. Can't wait? Ask for a sign-in link by email below.", "Too many attempts. Try again in %d second. Can't wait? Ask for a sign-in link by email below.", "Too many attempts. Try again in %d seconds. Can't wait? Ask for a sign-in link by email below.", "尝试次数过多，请%d秒后再试。等不及？可以在下方申请通过电子邮件发送的登录链接。", "嘗試次數過多，請%d秒後再試。等不及？可以在下方申請以電子郵件寄送的登入連結。"},
	{"The poster of title %[2]d is saved, in %[1]d sizes.", "The poster of title %[2]d is saved, in %[1]d size.", "The poster of title %[2]d is saved, in %[1]d sizes.", "作品 %[2]d 的海报已保存，共 %[1]d 种尺寸。", "作品 %[2]d 的海報已儲存，共 %[1]d 種尺寸。"},
	{"The backdrop of title %[2]d is saved, in %[1]d sizes.", "The backdrop of title %[2]d is saved, in %[1]d size.", "The backdrop of title %[2]d is saved, in %[1]d sizes.", "作品 %[2]d 的背景图已保存，共 %[1]d 种尺寸。", "作品 %[2]d 的背景圖已儲存，共 %[1]d 種尺寸。"},
	{"Too many requests from this address. Try again in %d seconds.", "Too many requests from this address. Try again in %d second.", "Too many requests from this address. Try again in %d seconds.", "来自此地址的请求过多，请%d秒后再试。", "來自此位址的請求過多，請%d秒後再試。"},
	{"Too many wrong codes. Try again in %d seconds.", "Too many wrong codes. Try again in %d second.", "Too many wrong codes. Try again in %d seconds.", "错误的验证码过多，请%d秒后再试。", "錯誤的驗證碼過多，請%d秒後再試。"},
	{"Too many wrong PINs. Try again in %d seconds.", "Too many wrong PINs. Try again in %d second.", "Too many wrong PINs. Try again in %d seconds.", "错误的 PIN 码过多，请%d秒后再试。", "錯誤的 PIN 碼過多，請%d秒後再試。"},
}
